/*
 * The host's own machine-dependent JNI types, written from the Windows x64 JDK's ABI (not
 * shared with the library's build, so a type-size mistake there shows up as a mismatch here):
 * LLP64, jint is a 32-bit long, jlong a 64-bit __int64, jbyte a signed char.
 */
#ifndef _JAVASOFT_JNI_MD_H_
#define _JAVASOFT_JNI_MD_H_

#define JNIEXPORT __declspec(dllexport)
#define JNIIMPORT __declspec(dllimport)
#define JNICALL __stdcall

typedef long jint;
typedef __int64 jlong;
typedef signed char jbyte;

#endif
