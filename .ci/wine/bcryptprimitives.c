/*
 * A stand-in for Windows' bcryptprimitives.dll, for the Wine smoke test
 * only (never shipped). Go 1.22 and later import ProcessPrng from it at
 * start-up, and Wine 8 has no such DLL. ProcessPrng fills the buffer from
 * RtlGenRandom (advapi32's SystemFunction036), which Wine implements.
 *
 * Build: x86_64-w64-mingw32-gcc -shared -O2 -o bcryptprimitives.dll \
 *          bcryptprimitives.c bcryptprimitives.def -ladvapi32
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
	/* RtlGenRandom takes a ULONG length: feed large requests in pieces. */
	while (len > 0) {
		ULONG n = len > 0x40000000 ? 0x40000000 : (ULONG)len;
		if (!SystemFunction036(data, n))
			return FALSE;
		data += n;
		len -= n;
	}
	return TRUE;
}
