# tests/tools/usb-fakes.sh - build fake sysfs trees for tests/t/60-usb-write.t (sourced, not run).
#
# tools/usb-write.sh decides from sysfs whether a device may be written (whole disk, removable or
# USB, partitions, holders, slaves, size). These helpers lay out the same files the kernel exports
# (Documentation/ABI/stable/sysfs-block: dev, size in 512-byte units, removable, partition,
# holders/, slaves/, device/model) under a private root, so that every refusal can be provoked
# against a loop device or a plain file: never against a real disk.

# fake_disk ROOT NAME DEVNO SECTORS REMOVABLE BUS MODEL: one whole disk. BUS is usb (a path under
# .../usbN/..., as a stick has), ata (an internal SATA disk) or virtual (loop, dm).
fake_disk() {
	local root=$1 name=$2 devno=$3 sectors=$4 removable=$5 bus=$6 model=$7 path
	case "$bus" in
	usb)     path="devices/pci0000:00/0000:00:14.0/usb2/2-1/2-1:1.0/host6/target6:0:0/6:0:0:0" ;;
	ata)     path="devices/pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0" ;;
	virtual) path="devices/virtual" ;;
	*) echo "fake_disk: unknown bus $bus" >&2; return 1 ;;
	esac
	local d="$root/$path/block/$name"
	mkdir -p "$d/holders" "$d/slaves" "$root/class/block"
	echo "$devno" >"$d/dev"; echo "$sectors" >"$d/size"; echo "$removable" >"$d/removable"
	if [ "$bus" != virtual ]; then
		mkdir -p "$d/device"
		printf '%-8s' "Fake" >"$d/device/vendor"; printf '%-16s' "$model" >"$d/device/model"
	fi
	ln -sfn "../../$path/block/$name" "$root/class/block/$name"
}

# fake_part ROOT DISK PART SECTORS: a partition PART of the fake disk DISK.
fake_part() {
	local root=$1 disk=$2 part=$3 sectors=$4
	local d; d=$(readlink -f "$root/class/block/$disk")
	mkdir -p "$d/$part/holders"
	echo 1 >"$d/$part/partition"; echo "$sectors" >"$d/$part/size"; echo "259:99" >"$d/$part/dev"
	local rel=${d#"$root"/}
	ln -sfn "../../$rel/$part" "$root/class/block/$part"
}

# fake_dm ROOT NAME SLAVE...: a device-mapper device (LVM, dm-crypt) built on the given devices.
fake_dm() {
	local root=$1 name=$2; shift 2
	fake_disk "$root" "$name" "254:7" 1000 0 virtual ""
	local s
	for s in "$@"; do
		# Absolute links inside the fake tree (sysfs uses relative ones; the writer only
		# follows them, so either works).
		ln -sfn "$(readlink -f "$root/class/block/$s")" "$root/devices/virtual/block/$name/slaves/$s"
		mkdir -p "$(readlink -f "$root/class/block/$s")/holders"
		ln -sfn "$root/devices/virtual/block/$name" "$(readlink -f "$root/class/block/$s")/holders/$name"
	done
}
