/*
 * The machine-dependent JNI types for 64-bit Windows, for cross-compiling with mingw-w64 against
 * a Linux JDK's include/jni.h (never its include/linux/jni_md.h). Windows is LLP64: long is
 * 32 bits, so jint is long, as in the Windows JDK's own header.
 */
#ifndef _JAVASOFT_JNI_MD_H_
#define _JAVASOFT_JNI_MD_H_

#define JNIEXPORT __declspec(dllexport)
#define JNIIMPORT __declspec(dllimport)
/*
 * x64 has one calling convention, so JNICALL is empty. JDK 21+'s jni.h defines it so itself after
 * including this file; an identical definition is no redefinition, any other fails -Werror.
 */
#define JNICALL

typedef long jint;
typedef __int64 jlong;
typedef signed char jbyte;

#endif
