#ifndef JUNCTION_CLIBXML2_SHIM_H
#define JUNCTION_CLIBXML2_SHIM_H

/* Headers live in /usr/include/libxml2/libxml/*.h; the include path
 * -I/usr/include/libxml2 comes from `pkg-config --cflags libxml-2.0`
 * (SwiftPM adds it automatically for a .systemLibrary with pkgConfig:). */
#include <libxml/xmlversion.h>
/* Debian builds libxml2 with ICU, and encoding.h then includes ICU's headers, which clash with
 * Foundation's own copy of ICU in the same Swift module graph. Encoding handlers are only used
 * through pointers here, never by value, so their ICU-dependent fields do not matter. */
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/entities.h>
#include <libxml/uri.h>
#include <libxml/encoding.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlIO.h>
#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>

/* xmlFree is either a global function-pointer variable or (with
 * LIBXML_THREAD_ALLOC_ENABLED) a macro around __xmlFree(); neither imports
 * cleanly into Swift 6 (mutable global state / macro). Always free through this. */
static inline void cxml_free(void *p) { if (p) xmlFree(p); }

/* External entity loader that refuses everything (file://, http://, ftp://). */
static inline xmlParserInputPtr cxml_deny_loader(const char *url, const char *id,
                                                 xmlParserCtxtPtr ctxt) {
    (void)url; (void)id; (void)ctxt;
    return NULL;
}

/* Variadic callbacks cannot be written in Swift, so the no-op error sinks live here. */
static inline void cxml_silent_generic(void *ctx, const char *msg, ...) { (void)ctx; (void)msg; }
static inline void cxml_silent_structured(void *ctx, xmlErrorPtr err) { (void)ctx; (void)err; }

/* Call exactly once, before any parsing (e.g. from a Swift `static let`). */
static inline void cxml_global_setup(void) {
    xmlInitParser();                                   /* not thread-safe in 2.9.x: do it once, first */
    xmlSetExternalEntityLoader(cxml_deny_loader);      /* process-wide, plain global */
    /* error channels are per-thread in 2.9.x: set the current thread and the
     * defaults inherited by threads that touch libxml2 later */
    xmlThrDefSetGenericErrorFunc(NULL, cxml_silent_generic);
    xmlSetGenericErrorFunc(NULL, cxml_silent_generic);
    xmlThrDefSetStructuredErrorFunc(NULL, cxml_silent_structured);
    xmlSetStructuredErrorFunc(NULL, cxml_silent_structured);
}

#endif
