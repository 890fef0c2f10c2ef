/*
 * args.c - the initial stack of the System V i386 ABI (argc, argv, envp, auxv): prints its
 * arguments after argv[0] (whose spelling depends on how the program was started) and checks
 * that the vectors end where the ABI says.
 */
#include "ulib.h"

int main(int argc, char **argv)
{
	printf("argc %d\n", argc);
	for (int i = 1; i < argc; i++)
		printf("argv[%d] = \"%s\"\n", i, argv[i]);
	utest_check(argv[argc] == 0, "argv ends with NULL");
	utest_check(environ == argv + argc + 1, "envp follows argv's NULL");
	char **e = environ;
	while (*e)
		e++;
	/* auxv: (type, value) pairs after envp's NULL, ending with AT_NULL (type 0); AT_PAGESZ is 6 */
	unsigned long *aux = (unsigned long *)(e + 1);
	unsigned long pagesz = 0;
	for (; aux[0] != 0; aux += 2)
		if (aux[0] == 6)
			pagesz = aux[1];
	printf("AT_PAGESZ %lu\n", pagesz);
	return utest_failures();
}
