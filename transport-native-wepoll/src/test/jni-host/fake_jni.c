/* The fake JavaVM / JNIEnv: see fake_jni.h. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#include "fake_jni.h"
/* Generated from the JDK's jni.h by run.sh: the slot names of struct JNINativeInterface_, in order. */
#include "jni_slot_names.h"

#define SLOT_COUNT (sizeof(struct JNINativeInterface_) / sizeof(void *))
static const char *const slot_names[] = { JNI_SLOT_NAMES };
_Static_assert(sizeof(slot_names) / sizeof(slot_names[0]) == SLOT_COUNT,
               "jni_slot_names.h does not match this jni.h");
_Static_assert(sizeof(jint) == 4 && sizeof(jlong) == 8 && sizeof(jbyte) == 1 && sizeof(jsize) == 4,
               "Windows JNI type sizes");

enum kind { K_CLASS = 1, K_BYTES, K_INTS, K_STRING, K_OBJECT, K_THROWABLE, K_FIELD, K_METHOD, K_BUFFER };

#define FAKE_MAGIC 0x4a4e4946u
#define MAX_FIELDS 8

typedef struct fake_obj {
    uint32_t magic;
    enum kind kind;
    char name[256];   /* class name; a string's UTF-8; a field's or method's name */
    char sig[256];    /* field and method ids: signature */
    struct fake_obj *owner; /* field and method ids: their class */
    jsize len;
    void *data;       /* array elements; a direct buffer's address (memory the buffer does not own) */
    jlong capacity;   /* direct buffers */
    struct field_value {
        jfieldID id;
        jobject l;
        jint i;
        jlong j;
    } fields[MAX_FIELDS];
    int nfields;
} fake_obj;

static struct JNINativeInterface_ env_table;
static struct JNIInvokeInterface_ vm_table;
static const struct JNINativeInterface_ *env_ptr = &env_table;
static const struct JNIInvokeInterface_ *vm_ptr = &vm_table;
JavaVM *fake_vm = (JavaVM *) &vm_ptr;
JNIEnv *fake_env = (JNIEnv *) &env_ptr;

#define MAX_CLASSES 64
#define MAX_FOUND 256
#define MAX_NATIVES 256
#define MAX_FIELD_IDS 64

static fake_obj *classes[MAX_CLASSES];
static int nclasses;
static char found[MAX_FOUND][256];
static int nfound;
static fake_native natives[MAX_NATIVES];
static int nnatives;
static char unregistered[MAX_CLASSES][256];
static int nunregistered;
static fake_obj *field_ids[MAX_FIELD_IDS];
static int nfield_ids;
static char missing_class[256];
static jint getenv_result = JNI_OK;
static jint getenv_version;
static fake_obj *pending;
static int misuses;

static void misuse(const char *fmt, ...) __attribute__((format(gnu_printf, 1, 2)));
static void misuse(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    printf("JNI MISUSE: ");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    fflush(stdout);
    misuses++;
}

/* A reference the JVM itself would crash on (or abort with -Xcheck:jni): stop here. */
static void fatal(const char *fmt, ...) __attribute__((format(gnu_printf, 1, 2), noreturn));
static void fatal(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    printf("FAIL JNI FATAL: ");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    fflush(stdout);
    ExitProcess(TRAP_EXIT_CODE + 1);
}

static fake_obj *obj_new(enum kind kind, const char *name) {
    fake_obj *o = calloc(1, sizeof(*o));
    if (o == NULL) {
        fatal("out of memory");
    }
    o->magic = FAKE_MAGIC;
    o->kind = kind;
    if (name != NULL) {
        snprintf(o->name, sizeof(o->name), "%s", name);
    }
    return o;
}

static const char *kind_name(enum kind kind) {
    switch (kind) {
    case K_CLASS: return "jclass";
    case K_BYTES: return "jbyteArray";
    case K_INTS: return "jintArray";
    case K_STRING: return "jstring";
    case K_OBJECT: return "jobject";
    case K_THROWABLE: return "jthrowable";
    case K_FIELD: return "jfieldID";
    case K_METHOD: return "jmethodID";
    case K_BUFFER: return "direct ByteBuffer";
    }
    return "?";
}

/* Checks a reference passed by the library; kind 0 accepts any object reference. */
static fake_obj *as_obj(const void *ref, enum kind kind, const char *fn) {
    const fake_obj *o = ref;
    if (o == NULL) {
        fatal("%s: NULL %s", fn, kind ? kind_name(kind) : "reference");
    }
    if (o->magic != FAKE_MAGIC) {
        fatal("%s: %p is not a reference this JVM handed out", fn, ref);
    }
    if (kind != 0 && o->kind != kind && !(kind == K_OBJECT && o->kind != K_FIELD && o->kind != K_METHOD)) {
        fatal("%s: expected a %s, got a %s", fn, kind_name(kind), kind_name(o->kind));
    }
    return (fake_obj *) o;
}

/* Only a handful of functions may be called with an exception pending (JNI spec, "Exceptions"). */
static void no_pending(const char *fn) {
    if (pending != NULL) {
        misuse("%s called while %s is pending", fn, pending->name);
    }
}

static void throw_new(const char *cls, const char *detail) {
    if (pending == NULL) {
        pending = obj_new(K_THROWABLE, cls);
        snprintf(pending->sig, sizeof(pending->sig), "%s", detail);
    }
}

/* ---- traps for every slot the library should not use ---- */

static void trap_hit(int slot) {
    printf("FAIL unimplemented JNIEnv function called: slot %d (%s)\n", slot,
           slot < (int) SLOT_COUNT ? slot_names[slot] : "?");
    fflush(stdout);
    ExitProcess(TRAP_EXIT_CODE);
}

#define TRAP(n) static void trap_##n(void) { trap_hit(n); }
#define TRAPS10(p) TRAP(p##0) TRAP(p##1) TRAP(p##2) TRAP(p##3) TRAP(p##4) \
    TRAP(p##5) TRAP(p##6) TRAP(p##7) TRAP(p##8) TRAP(p##9)
#define REFS10(p) trap_##p##0, trap_##p##1, trap_##p##2, trap_##p##3, trap_##p##4, \
    trap_##p##5, trap_##p##6, trap_##p##7, trap_##p##8, trap_##p##9
TRAPS10() TRAPS10(1) TRAPS10(2) TRAPS10(3) TRAPS10(4) TRAPS10(5) TRAPS10(6) TRAPS10(7) TRAPS10(8)
TRAPS10(9) TRAPS10(10) TRAPS10(11) TRAPS10(12) TRAPS10(13) TRAPS10(14) TRAPS10(15) TRAPS10(16)
TRAPS10(17) TRAPS10(18) TRAPS10(19) TRAPS10(20) TRAPS10(21) TRAPS10(22) TRAPS10(23)
static void (*const traps[])(void) = {
    REFS10(), REFS10(1), REFS10(2), REFS10(3), REFS10(4), REFS10(5), REFS10(6), REFS10(7), REFS10(8),
    REFS10(9), REFS10(10), REFS10(11), REFS10(12), REFS10(13), REFS10(14), REFS10(15), REFS10(16),
    REFS10(17), REFS10(18), REFS10(19), REFS10(20), REFS10(21), REFS10(22), REFS10(23),
};
_Static_assert(sizeof(traps) / sizeof(traps[0]) >= SLOT_COUNT, "more JNIEnv slots than traps");

static const char *const vm_slot_names[] = {
    "reserved0", "reserved1", "reserved2", "DestroyJavaVM", "AttachCurrentThread",
    "DetachCurrentThread", "GetEnv", "AttachCurrentThreadAsDaemon",
};
#define VM_SLOT_COUNT (sizeof(struct JNIInvokeInterface_) / sizeof(void *))
_Static_assert(sizeof(vm_slot_names) / sizeof(vm_slot_names[0]) == VM_SLOT_COUNT, "JavaVM slots");

static void vm_trap_hit(int slot) {
    printf("FAIL unimplemented JavaVM function called: slot %d (%s)\n", slot, vm_slot_names[slot]);
    fflush(stdout);
    ExitProcess(TRAP_EXIT_CODE);
}
#define VM_TRAP(n) static void vm_trap_##n(void) { vm_trap_hit(n); }
VM_TRAP(0) VM_TRAP(1) VM_TRAP(2) VM_TRAP(3) VM_TRAP(4) VM_TRAP(5) VM_TRAP(6) VM_TRAP(7)
static void (*const vm_traps[])(void) = {
    vm_trap_0, vm_trap_1, vm_trap_2, vm_trap_3, vm_trap_4, vm_trap_5, vm_trap_6, vm_trap_7,
};

/* ---- JavaVM ---- */

static jint JNICALL f_GetEnv(JavaVM *vm, void **penv, jint version) {
    getenv_version = version;
    if (vm != fake_vm || penv == NULL) {
        fatal("GetEnv: bad arguments");
    }
    switch (version) {
    case JNI_VERSION_1_1: case JNI_VERSION_1_2: case JNI_VERSION_1_4: case JNI_VERSION_1_6:
    case JNI_VERSION_1_8: case JNI_VERSION_9: case JNI_VERSION_10:
        break;
    default:
        *penv = NULL;
        return JNI_EVERSION;
    }
    if (getenv_result != JNI_OK) {
        *penv = NULL;
        return getenv_result;
    }
    *penv = fake_env;
    return JNI_OK;
}

/* ---- JNIEnv ---- */

static void check_env(JNIEnv *env, const char *fn) {
    if (env != fake_env) {
        fatal("%s: called with a JNIEnv that is not this thread's", fn);
    }
}

static jint JNICALL f_GetVersion(JNIEnv *env) {
    check_env(env, "GetVersion");
    return JNI_VERSION_10;
}

static int valid_class_name(const char *name) {
    if (name[0] == '\0' || name[0] == '/' || (name[0] == 'L' && name[strlen(name) - 1] == ';')) {
        return 0;
    }
    for (const char *c = name; *c; c++) {
        if (*c == '.' || *c == '\\' || (*c == '/' && c[1] == '/')) {
            return 0;
        }
    }
    return name[strlen(name) - 1] != '/';
}

jclass fake_jni_class(const char *name) {
    for (int i = 0; i < nclasses; i++) {
        if (strcmp(classes[i]->name, name) == 0) {
            return (jclass) classes[i];
        }
    }
    if (nclasses == MAX_CLASSES) {
        fatal("too many classes");
    }
    classes[nclasses] = obj_new(K_CLASS, name);
    return (jclass) classes[nclasses++];
}

static jclass JNICALL f_FindClass(JNIEnv *env, const char *name) {
    check_env(env, "FindClass");
    no_pending("FindClass");
    if (name == NULL) {
        fatal("FindClass(NULL)");
    }
    if (nfound < MAX_FOUND) {
        snprintf(found[nfound++], sizeof(found[0]), "%s", name);
    }
    if (!valid_class_name(name)) {
        misuse("FindClass(\"%s\"): not a class name in internal form", name);
        throw_new("java/lang/NoClassDefFoundError", name);
        return NULL;
    }
    if (missing_class[0] != '\0' && strcmp(name, missing_class) == 0) {
        throw_new("java/lang/NoClassDefFoundError", name);
        return NULL;
    }
    return fake_jni_class(name);
}

static jint JNICALL f_Throw(JNIEnv *env, jthrowable obj) {
    check_env(env, "Throw");
    pending = as_obj(obj, K_THROWABLE, "Throw");
    return 0;
}

static jint JNICALL f_ThrowNew(JNIEnv *env, jclass clazz, const char *msg) {
    check_env(env, "ThrowNew");
    fake_obj *c = as_obj(clazz, K_CLASS, "ThrowNew");
    pending = NULL;
    throw_new(c->name, msg == NULL ? "" : msg);
    return 0;
}

static jthrowable JNICALL f_ExceptionOccurred(JNIEnv *env) {
    check_env(env, "ExceptionOccurred");
    return (jthrowable) pending;
}

static void JNICALL f_ExceptionDescribe(JNIEnv *env) {
    check_env(env, "ExceptionDescribe");
    if (pending != NULL) {
        printf("  (pending %s: %s)\n", pending->name, pending->sig);
        pending = NULL;
    }
}

static void JNICALL f_ExceptionClear(JNIEnv *env) {
    check_env(env, "ExceptionClear");
    pending = NULL;
}

static jboolean JNICALL f_ExceptionCheck(JNIEnv *env) {
    check_env(env, "ExceptionCheck");
    return pending != NULL ? JNI_TRUE : JNI_FALSE;
}

static jobject JNICALL f_NewGlobalRef(JNIEnv *env, jobject ref) {
    check_env(env, "NewGlobalRef");
    no_pending("NewGlobalRef");
    return ref == NULL ? NULL : (jobject) as_obj(ref, 0, "NewGlobalRef");
}

/* An object is an instance of a class of the same name (the fake knows no class hierarchy). */
static jboolean JNICALL f_IsInstanceOf(JNIEnv *env, jobject obj, jclass clazz) {
    check_env(env, "IsInstanceOf");
    no_pending("IsInstanceOf");
    fake_obj *c = as_obj(clazz, K_CLASS, "IsInstanceOf");
    if (obj == NULL) {
        return JNI_TRUE;
    }
    return strcmp(as_obj(obj, K_OBJECT, "IsInstanceOf")->name, c->name) == 0 ? JNI_TRUE : JNI_FALSE;
}

static void JNICALL f_DeleteGlobalRef(JNIEnv *env, jobject ref) {
    check_env(env, "DeleteGlobalRef");
    if (ref != NULL) {
        as_obj(ref, 0, "DeleteGlobalRef");
    }
}

static void JNICALL f_DeleteLocalRef(JNIEnv *env, jobject ref) {
    check_env(env, "DeleteLocalRef");
    if (ref != NULL) {
        as_obj(ref, 0, "DeleteLocalRef");
    }
}

static fake_obj *member_id(jclass clazz, const char *name, const char *sig, enum kind kind, const char *fn) {
    fake_obj *c = as_obj(clazz, K_CLASS, fn);
    if (name == NULL || sig == NULL) {
        fatal("%s: NULL name or signature", fn);
    }
    for (int i = 0; i < nfield_ids; i++) {
        fake_obj *f = field_ids[i];
        if (f->kind == kind && f->owner == c && strcmp(f->name, name) == 0 && strcmp(f->sig, sig) == 0) {
            return f;
        }
    }
    if (nfield_ids == MAX_FIELD_IDS) {
        fatal("too many field and method ids");
    }
    fake_obj *f = obj_new(kind, name);
    snprintf(f->sig, sizeof(f->sig), "%s", sig);
    f->owner = c;
    field_ids[nfield_ids++] = f;
    return f;
}

static jfieldID JNICALL f_GetFieldID(JNIEnv *env, jclass clazz, const char *name, const char *sig) {
    check_env(env, "GetFieldID");
    no_pending("GetFieldID");
    return (jfieldID) member_id(clazz, name, sig, K_FIELD, "GetFieldID");
}

static jmethodID JNICALL f_GetMethodID(JNIEnv *env, jclass clazz, const char *name, const char *sig) {
    check_env(env, "GetMethodID");
    no_pending("GetMethodID");
    return (jmethodID) member_id(clazz, name, sig, K_METHOD, "GetMethodID");
}

static jmethodID JNICALL f_GetStaticMethodID(JNIEnv *env, jclass clazz, const char *name, const char *sig) {
    check_env(env, "GetStaticMethodID");
    no_pending("GetStaticMethodID");
    return (jmethodID) member_id(clazz, name, sig, K_METHOD, "GetStaticMethodID");
}

/* The value of a field in an object, created on first use; the field must be of this type. */
static struct field_value *field_slot(jobject obj, jfieldID id, char type, const char *fn) {
    fake_obj *o = as_obj(obj, K_OBJECT, fn);
    fake_obj *f = as_obj(id, K_FIELD, fn);
    if ((type == 'L' && f->sig[0] != 'L' && f->sig[0] != '[') || (type != 'L' && f->sig[0] != type)) {
        misuse("%s on field %s of type %s", fn, f->name, f->sig);
    }
    for (int i = 0; i < o->nfields; i++) {
        if (o->fields[i].id == id) {
            return &o->fields[i];
        }
    }
    if (o->nfields == MAX_FIELDS) {
        fatal("%s: too many fields", fn);
    }
    o->fields[o->nfields].id = id;
    return &o->fields[o->nfields++];
}

static jobject JNICALL f_GetObjectField(JNIEnv *env, jobject obj, jfieldID id) {
    check_env(env, "GetObjectField");
    no_pending("GetObjectField");
    return field_slot(obj, id, 'L', "GetObjectField")->l;
}

static jint JNICALL f_GetIntField(JNIEnv *env, jobject obj, jfieldID id) {
    check_env(env, "GetIntField");
    no_pending("GetIntField");
    return field_slot(obj, id, 'I', "GetIntField")->i;
}

static jlong JNICALL f_GetLongField(JNIEnv *env, jobject obj, jfieldID id) {
    check_env(env, "GetLongField");
    no_pending("GetLongField");
    return field_slot(obj, id, 'J', "GetLongField")->j;
}

static void JNICALL f_SetLongField(JNIEnv *env, jobject obj, jfieldID id, jlong value) {
    check_env(env, "SetLongField");
    no_pending("SetLongField");
    field_slot(obj, id, 'J', "SetLongField")->j = value;
}

static jstring JNICALL f_NewStringUTF(JNIEnv *env, const char *utf) {
    check_env(env, "NewStringUTF");
    no_pending("NewStringUTF");
    if (utf == NULL) {
        return NULL;
    }
    for (const unsigned char *c = (const unsigned char *) utf; *c; c++) {
        if (*c >= 0x80) {
            /* Modified UTF-8 only: a byte from a Windows code page here makes an invalid string. */
            int follow = (*c & 0xe0) == 0xc0 ? 1 : (*c & 0xf0) == 0xe0 ? 2 : -1;
            for (int k = 1; follow > 0 && k <= follow; k++) {
                if ((c[k] & 0xc0) != 0x80) {
                    follow = -1;
                }
            }
            if (follow < 0) {
                misuse("NewStringUTF(\"%s\"): not modified UTF-8", utf);
                break;
            }
            c += follow;
        }
    }
    fake_obj *s = obj_new(K_STRING, utf);
    if (strlen(utf) >= sizeof(s->name)) {
        fatal("NewStringUTF: string longer than this fake supports");
    }
    return (jstring) s;
}

static jsize JNICALL f_GetStringUTFLength(JNIEnv *env, jstring str) {
    check_env(env, "GetStringUTFLength");
    no_pending("GetStringUTFLength");
    return (jsize) strlen(as_obj(str, K_STRING, "GetStringUTFLength")->name);
}

static const char *JNICALL f_GetStringUTFChars(JNIEnv *env, jstring str, jboolean *is_copy) {
    check_env(env, "GetStringUTFChars");
    no_pending("GetStringUTFChars");
    const char *utf = as_obj(str, K_STRING, "GetStringUTFChars")->name;
    char *copy = malloc(strlen(utf) + 1);
    if (copy == NULL) {
        return NULL;
    }
    strcpy(copy, utf);
    if (is_copy != NULL) {
        *is_copy = JNI_TRUE;
    }
    return copy;
}

static void JNICALL f_ReleaseStringUTFChars(JNIEnv *env, jstring str, const char *chars) {
    check_env(env, "ReleaseStringUTFChars");
    as_obj(str, K_STRING, "ReleaseStringUTFChars");
    free((void *) chars);
}

static fake_obj *new_array(enum kind kind, jsize len, size_t elem) {
    if (len < 0) {
        return NULL;
    }
    fake_obj *a = obj_new(kind, kind == K_BYTES ? "[B" : "[I");
    a->len = len;
    /* Elements live in their own block so that an overrun shows up under a heap checker. */
    a->data = calloc((size_t) len + 1, elem);
    if (a->data == NULL) {
        fatal("out of memory");
    }
    return a;
}

static jsize JNICALL f_GetArrayLength(JNIEnv *env, jarray array) {
    check_env(env, "GetArrayLength");
    no_pending("GetArrayLength");
    fake_obj *a = as_obj(array, 0, "GetArrayLength");
    if (a->kind != K_BYTES && a->kind != K_INTS) {
        fatal("GetArrayLength: not an array (%s)", kind_name(a->kind));
    }
    return a->len;
}

static jbyteArray JNICALL f_NewByteArray(JNIEnv *env, jsize len) {
    check_env(env, "NewByteArray");
    no_pending("NewByteArray");
    return (jbyteArray) new_array(K_BYTES, len, 1);
}

static jintArray JNICALL f_NewIntArray(JNIEnv *env, jsize len) {
    check_env(env, "NewIntArray");
    no_pending("NewIntArray");
    return (jintArray) new_array(K_INTS, len, sizeof(jint));
}

/* Out of bounds: the JVM throws ArrayIndexOutOfBoundsException and copies nothing. */
static int region_ok(fake_obj *a, jsize start, jsize len, const void *buf, const char *fn) {
    no_pending(fn);
    if (start < 0 || len < 0 || start > a->len || len > a->len - start) {
        misuse("%s(start %ld, len %ld) on an array of length %ld", fn, (long) start, (long) len, (long) a->len);
        throw_new("java/lang/ArrayIndexOutOfBoundsException", fn);
        return 0;
    }
    if (len > 0 && buf == NULL) {
        fatal("%s: NULL buffer", fn);
    }
    return 1;
}

static void JNICALL f_GetByteArrayRegion(JNIEnv *env, jbyteArray array, jsize start, jsize len, jbyte *buf) {
    check_env(env, "GetByteArrayRegion");
    fake_obj *a = as_obj(array, K_BYTES, "GetByteArrayRegion");
    if (region_ok(a, start, len, buf, "GetByteArrayRegion")) {
        memcpy(buf, (jbyte *) a->data + start, (size_t) len);
    }
}

static void JNICALL f_SetByteArrayRegion(JNIEnv *env, jbyteArray array, jsize start, jsize len, const jbyte *buf) {
    check_env(env, "SetByteArrayRegion");
    fake_obj *a = as_obj(array, K_BYTES, "SetByteArrayRegion");
    if (region_ok(a, start, len, buf, "SetByteArrayRegion")) {
        memcpy((jbyte *) a->data + start, buf, (size_t) len);
    }
}

static void JNICALL f_GetIntArrayRegion(JNIEnv *env, jintArray array, jsize start, jsize len, jint *buf) {
    check_env(env, "GetIntArrayRegion");
    fake_obj *a = as_obj(array, K_INTS, "GetIntArrayRegion");
    if (region_ok(a, start, len, buf, "GetIntArrayRegion")) {
        memcpy(buf, (jint *) a->data + start, (size_t) len * sizeof(jint));
    }
}

static void JNICALL f_SetIntArrayRegion(JNIEnv *env, jintArray array, jsize start, jsize len, const jint *buf) {
    check_env(env, "SetIntArrayRegion");
    fake_obj *a = as_obj(array, K_INTS, "SetIntArrayRegion");
    if (region_ok(a, start, len, buf, "SetIntArrayRegion")) {
        memcpy((jint *) a->data + start, buf, (size_t) len * sizeof(jint));
    }
}

/* A direct ByteBuffer over memory the library owns; the JVM never frees it. */
static jobject JNICALL f_NewDirectByteBuffer(JNIEnv *env, void *address, jlong capacity) {
    check_env(env, "NewDirectByteBuffer");
    no_pending("NewDirectByteBuffer");
    if (capacity < 0 || capacity > INT32_MAX) {
        misuse("NewDirectByteBuffer(%p, %lld): capacity out of range", address, (long long) capacity);
        throw_new("java/lang/IllegalArgumentException", "NewDirectByteBuffer");
        return NULL;
    }
    if (address == NULL && capacity > 0) {
        misuse("NewDirectByteBuffer(NULL, %lld)", (long long) capacity);
    }
    fake_obj *b = obj_new(K_BUFFER, "java/nio/DirectByteBuffer");
    b->data = address;
    b->capacity = capacity;
    return (jobject) b;
}

/* Any object may be asked; the JVM answers NULL and -1 for one that is not a direct buffer. */
static fake_obj *direct_buffer(jobject buf, const char *fn) {
    no_pending(fn);
    fake_obj *b = as_obj(buf, 0, fn);
    if (b->kind != K_BUFFER) {
        misuse("%s on a %s, not a direct buffer", fn, kind_name(b->kind));
        return NULL;
    }
    return b;
}

static void *JNICALL f_GetDirectBufferAddress(JNIEnv *env, jobject buf) {
    check_env(env, "GetDirectBufferAddress");
    fake_obj *b = direct_buffer(buf, "GetDirectBufferAddress");
    return b == NULL ? NULL : b->data;
}

static jlong JNICALL f_GetDirectBufferCapacity(JNIEnv *env, jobject buf) {
    check_env(env, "GetDirectBufferCapacity");
    fake_obj *b = direct_buffer(buf, "GetDirectBufferCapacity");
    return b == NULL ? -1 : b->capacity;
}

static jint JNICALL f_RegisterNatives(JNIEnv *env, jclass clazz, const JNINativeMethod *methods, jint n) {
    check_env(env, "RegisterNatives");
    no_pending("RegisterNatives");
    fake_obj *c = as_obj(clazz, K_CLASS, "RegisterNatives");
    if (methods == NULL || n <= 0) {
        misuse("RegisterNatives(%s): %ld methods at %p", c->name, (long) n, (const void *) methods);
        return JNI_ERR;
    }
    for (jint i = 0; i < n; i++) {
        const JNINativeMethod *m = &methods[i];
        if (m->name == NULL || m->signature == NULL || m->fnPtr == NULL) {
            misuse("RegisterNatives(%s): entry %ld incomplete", c->name, (long) i);
            throw_new("java/lang/NoSuchMethodError", "incomplete entry");
            return JNI_ERR;
        }
        if (nnatives == MAX_NATIVES) {
            fatal("too many natives");
        }
        fake_native *r = &natives[nnatives++];
        snprintf(r->cls, sizeof(r->cls), "%s", c->name);
        snprintf(r->name, sizeof(r->name), "%s", m->name);
        snprintf(r->sig, sizeof(r->sig), "%s", m->signature);
        r->fn = m->fnPtr;
        r->unregistered = 0;
    }
    return JNI_OK;
}

static jint JNICALL f_UnregisterNatives(JNIEnv *env, jclass clazz) {
    check_env(env, "UnregisterNatives");
    no_pending("UnregisterNatives");
    fake_obj *c = as_obj(clazz, K_CLASS, "UnregisterNatives");
    if (nunregistered < MAX_CLASSES) {
        snprintf(unregistered[nunregistered++], sizeof(unregistered[0]), "%s", c->name);
    }
    for (int i = 0; i < nnatives; i++) {
        if (strcmp(natives[i].cls, c->name) == 0) {
            natives[i].unregistered = 1;
        }
    }
    return JNI_OK;
}

static jint JNICALL f_GetJavaVM(JNIEnv *env, JavaVM **vm) {
    check_env(env, "GetJavaVM");
    *vm = fake_vm;
    return JNI_OK;
}

void fake_jni_init(void) {
    for (size_t i = 0; i < SLOT_COUNT; i++) {
        memcpy((char *) &env_table + i * sizeof(void *), &traps[i], sizeof(void *));
    }
    for (size_t i = 0; i < VM_SLOT_COUNT; i++) {
        memcpy((char *) &vm_table + i * sizeof(void *), &vm_traps[i], sizeof(void *));
    }
    vm_table.GetEnv = f_GetEnv;

    env_table.GetVersion = f_GetVersion;
    env_table.FindClass = f_FindClass;
    env_table.Throw = f_Throw;
    env_table.ThrowNew = f_ThrowNew;
    env_table.ExceptionOccurred = f_ExceptionOccurred;
    env_table.ExceptionDescribe = f_ExceptionDescribe;
    env_table.ExceptionClear = f_ExceptionClear;
    env_table.ExceptionCheck = f_ExceptionCheck;
    env_table.NewGlobalRef = f_NewGlobalRef;
    env_table.IsInstanceOf = f_IsInstanceOf;
    env_table.DeleteGlobalRef = f_DeleteGlobalRef;
    env_table.DeleteLocalRef = f_DeleteLocalRef;
    env_table.GetFieldID = f_GetFieldID;
    env_table.GetMethodID = f_GetMethodID;
    env_table.GetStaticMethodID = f_GetStaticMethodID;
    env_table.GetObjectField = f_GetObjectField;
    env_table.GetIntField = f_GetIntField;
    env_table.GetLongField = f_GetLongField;
    env_table.SetLongField = f_SetLongField;
    env_table.NewStringUTF = f_NewStringUTF;
    env_table.GetStringUTFLength = f_GetStringUTFLength;
    env_table.GetStringUTFChars = f_GetStringUTFChars;
    env_table.ReleaseStringUTFChars = f_ReleaseStringUTFChars;
    env_table.GetArrayLength = f_GetArrayLength;
    env_table.NewByteArray = f_NewByteArray;
    env_table.NewIntArray = f_NewIntArray;
    env_table.GetByteArrayRegion = f_GetByteArrayRegion;
    env_table.SetByteArrayRegion = f_SetByteArrayRegion;
    env_table.GetIntArrayRegion = f_GetIntArrayRegion;
    env_table.SetIntArrayRegion = f_SetIntArrayRegion;
    env_table.NewDirectByteBuffer = f_NewDirectByteBuffer;
    env_table.GetDirectBufferAddress = f_GetDirectBufferAddress;
    env_table.GetDirectBufferCapacity = f_GetDirectBufferCapacity;
    env_table.RegisterNatives = f_RegisterNatives;
    env_table.UnregisterNatives = f_UnregisterNatives;
    env_table.GetJavaVM = f_GetJavaVM;
}

void fake_jni_reset(void) {
    nfound = 0;
    nnatives = 0;
    nunregistered = 0;
    missing_class[0] = '\0';
    getenv_result = JNI_OK;
    getenv_version = 0;
    pending = NULL;
}

void fake_jni_set_getenv_result(jint result) {
    getenv_result = result;
}

jint fake_jni_getenv_version(void) {
    return getenv_version;
}

void fake_jni_set_missing_class(const char *name) {
    snprintf(missing_class, sizeof(missing_class), "%s", name);
}

int fake_jni_found_count(void) {
    return nfound;
}

const char *fake_jni_found(int i) {
    return found[i];
}

int fake_jni_native_count(void) {
    return nnatives;
}

const fake_native *fake_jni_native(int i) {
    return &natives[i];
}

void *fake_jni_native_fn(const char *cls, const char *name, const char *sig) {
    /* The last registration wins, as in the JVM. */
    for (int i = nnatives - 1; i >= 0; i--) {
        if (!natives[i].unregistered && strcmp(natives[i].cls, cls) == 0 && strcmp(natives[i].name, name) == 0
                && strcmp(natives[i].sig, sig) == 0) {
            return natives[i].fn;
        }
    }
    return NULL;
}

int fake_jni_unregister_count(const char *cls) {
    int n = 0;
    for (int i = 0; i < nunregistered; i++) {
        n += strcmp(unregistered[i], cls) == 0;
    }
    return n;
}

jbyteArray fake_jni_new_bytes(jsize len) {
    return (jbyteArray) new_array(K_BYTES, len, 1);
}

jintArray fake_jni_new_ints(jsize len) {
    return (jintArray) new_array(K_INTS, len, sizeof(jint));
}

jbyte *fake_jni_bytes(jbyteArray array) {
    return as_obj(array, K_BYTES, "fake_jni_bytes")->data;
}

jint *fake_jni_ints(jintArray array) {
    return as_obj(array, K_INTS, "fake_jni_ints")->data;
}

jsize fake_jni_length(jarray array) {
    return as_obj(array, 0, "fake_jni_length")->len;
}

const char *fake_jni_string(jstring ref) {
    const fake_obj *o = (const fake_obj *) ref;
    return o != NULL && o->magic == FAKE_MAGIC && o->kind == K_STRING ? o->name : NULL;
}

jobject fake_jni_new_object(const char *cls) {
    fake_obj *o = obj_new(K_OBJECT, cls);
    return (jobject) o;
}

jfieldID fake_jni_field_id(const char *cls, const char *name) {
    for (int i = 0; i < nfield_ids; i++) {
        fake_obj *f = field_ids[i];
        if (f->kind == K_FIELD && strcmp(f->owner->name, cls) == 0 && strcmp(f->name, name) == 0) {
            return (jfieldID) f;
        }
    }
    return NULL;
}

void fake_jni_set_object_field(jobject obj, jfieldID id, jobject value) {
    field_slot(obj, id, 'L', "fake_jni_set_object_field")->l = value;
}

void fake_jni_set_int_field(jobject obj, jfieldID id, jint value) {
    field_slot(obj, id, 'I', "fake_jni_set_int_field")->i = value;
}

void fake_jni_set_long_field(jobject obj, jfieldID id, jlong value) {
    field_slot(obj, id, 'J', "fake_jni_set_long_field")->j = value;
}

jlong fake_jni_get_long_field(jobject obj, jfieldID id) {
    return field_slot(obj, id, 'J', "fake_jni_get_long_field")->j;
}

int fake_jni_exception_pending(void) {
    return pending != NULL;
}

const char *fake_jni_exception_class(void) {
    return pending != NULL ? pending->name : "";
}

int fake_jni_misuse_count(void) {
    return misuses;
}
