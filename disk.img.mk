# disk.img.mk - placeholder; the loader work replaces it with the dd recipe.
$(IMAGE):
	@echo "disk.img.mk: not written yet" >&2; false
