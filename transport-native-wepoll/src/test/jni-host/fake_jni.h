/*
 * A fake JavaVM and JNIEnv for driving the JNI library without a JVM.
 *
 * The JNIEnv function table is full size: every slot the library is not expected to use points
 * at a trap that prints the slot's name and exits the process with TRAP_EXIT_CODE. The
 * implemented functions record what the library asks for (classes, natives, fields) and check
 * their arguments the way a checked JVM would: a misuse (out-of-bounds region, wrong kind of
 * reference, a call that is not allowed while an exception is pending) is counted, printed and
 * reported by fake_jni_misuse_count().
 *
 * References are pointers to fake_obj; arrays, strings, classes, direct buffers and plain objects are all fake_obj.
 */
#ifndef FAKE_JNI_H
#define FAKE_JNI_H

#include <jni.h>

#define TRAP_EXIT_CODE 90

extern JavaVM *fake_vm;
extern JNIEnv *fake_env;

/* Builds the tables; call once before anything else. */
void fake_jni_init(void);

/* Forgets every recorded class lookup, registration and exception (before a JNI_OnLoad). */
void fake_jni_reset(void);

/* GetEnv answers with this result (JNI_OK by default) to exercise a failing load. */
void fake_jni_set_getenv_result(jint result);
/* The version the last GetEnv asked for (0 if none). */
jint fake_jni_getenv_version(void);

/* FindClass of this exact name fails with a pending NoClassDefFoundError (until reset). */
void fake_jni_set_missing_class(const char *name);

/* Class lookups, in call order. */
int fake_jni_found_count(void);
const char *fake_jni_found(int i);

/* One RegisterNatives entry. */
typedef struct fake_native {
    char cls[256];
    char name[128];
    char sig[256];
    void *fn;
    int unregistered;  /* UnregisterNatives was called on its class afterwards */
} fake_native;

int fake_jni_native_count(void);
const fake_native *fake_jni_native(int i);
/* The function registered for cls.name with this exact signature, or NULL. */
void *fake_jni_native_fn(const char *cls, const char *name, const char *sig);
/* How often UnregisterNatives was called on cls. */
int fake_jni_unregister_count(const char *cls);

/* The class handle FindClass would return for name (created on first use, never fails). */
jclass fake_jni_class(const char *name);

/* Java arrays and strings for calling natives. */
jbyteArray fake_jni_new_bytes(jsize len);
jintArray fake_jni_new_ints(jsize len);
jbyte *fake_jni_bytes(jbyteArray array);
jint *fake_jni_ints(jintArray array);
jsize fake_jni_length(jarray array);
/* The UTF-8 of a string the library created, or NULL if ref is not a string. */
const char *fake_jni_string(jstring ref);

/* A plain object of class cls whose fields the library may read and write through field ids. */
jobject fake_jni_new_object(const char *cls);
/* The field id the library obtained for cls.name (NULL if it never asked). */
jfieldID fake_jni_field_id(const char *cls, const char *name);
void fake_jni_set_object_field(jobject obj, jfieldID id, jobject value);
void fake_jni_set_int_field(jobject obj, jfieldID id, jint value);
void fake_jni_set_long_field(jobject obj, jfieldID id, jlong value);
jlong fake_jni_get_long_field(jobject obj, jfieldID id);

/* Whether an exception is pending, and its class name ("" if none). */
int fake_jni_exception_pending(void);
const char *fake_jni_exception_class(void);

/* Misuses seen so far (each is also printed as it happens). */
int fake_jni_misuse_count(void);

#endif
