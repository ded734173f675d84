import CLibXML2
#if canImport(Darwin)
import Darwin
#else
import Glibc
#endif

/// A libxml2 parser context per thread and option set, reused by every document parsed there
/// instead of one created and freed per document (a few per cent of the time of small feeds).
///
/// A parse is synchronous, so a thread's context serves one parse at a time (one started
/// while it is out gets a context of its own). Nothing of a parse stays in the context: the
/// input is released and the document keeps the dictionary it was built with, the context
/// taking a new one, so trees share nothing with later parses and may be freed on any thread.
/// Documents over ``reuseLimit`` bytes get a context of their own, freed after the parse, so
/// that no document leaves large tables in a kept context.
struct XMLParserContext: Sendable {
    static let strict = XMLParserContext(options: LibXML2.strictOptions)
    static let recover = XMLParserContext(options: LibXML2.recoverOptions)

    /// Largest document parsed with a kept context.
    static let reuseLimit = 64 << 10

    /// The `xmlParserOption`s every parse with this context uses.
    let options: Int32
    private let key: pthread_key_t

    private init(options: Int32) {
        self.options = options
        var key = pthread_key_t()
        // A thread's kept context is freed when the thread ends.
        let status = pthread_key_create(&key) { Self.free($0) }
        precondition(status == 0, "pthread_key_create failed")
        self.key = key
    }

    private static func free(_ context: UnsafeMutableRawPointer?) {
        xmlFreeParserCtxt(context?.assumingMemoryBound(to: xmlParserCtxt.self))
    }

    /// `body`'s result with a context for a document of `size` bytes (nil when libxml2 could
    /// not allocate one). `body` must not keep the context.
    func withContext<T>(documentSize size: Int, _ body: (xmlParserCtxtPtr) -> T) -> T? {
        let reusable = size <= Self.reuseLimit
        let kept = reusable ? pthread_getspecific(key)?.assumingMemoryBound(to: xmlParserCtxt.self) : nil
        if kept != nil { pthread_setspecific(key, nil) }
        guard let context = kept ?? xmlNewParserCtxt() else { return nil }
        let result = body(context)
        if reusable, pthread_getspecific(key) == nil, Self.clear(context) {
            pthread_setspecific(key, context)
        } else {
            xmlFreeParserCtxt(context)
        }
        return result
    }

    /// Releases what the last parse left in `context` and gives it a new dictionary; false
    /// when none could be allocated.
    private static func clear(_ context: xmlParserCtxtPtr) -> Bool {
        xmlCtxtReset(context)
        guard let dictionary = xmlDictCreate() else { return false }
        xmlDictSetLimit(dictionary, Int(XML_MAX_DICTIONARY_LIMIT))
        xmlDictFree(context.pointee.dict)
        context.pointee.dict = dictionary
        return true
    }
}

extension XMLParserContext {
    /// The document `context` builds from `bytes` (nil when they are not well-formed and this is
    /// not a recover parse). UTF-8 input (no `encoding`) without NUL bytes is read where it is,
    /// NUL-terminated for the parse, instead of copied into a libxml2 input buffer, whose
    /// end-of-input checks cost small documents a tenth of their parse.
    func read(_ bytes: inout [UInt8], url: String?, encoding: String?, in context: xmlParserCtxtPtr) -> xmlDocPtr? {
        guard !bytes.isEmpty else { return nil }
        let hasNUL = bytes.withUnsafeBytes { memchr($0.baseAddress!, 0, $0.count) != nil }
        guard encoding == nil, !hasNUL else {
            return bytes.withUnsafeBufferPointer { buffer in
                buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                    xmlCtxtReadMemory(context, $0, Int32(buffer.count), url, encoding, options)
                }
            }
        }
        bytes.append(0)
        defer { bytes.removeLast() }
        // xmlCtxtReadMemory's steps with a string input. The input keeps pointing at the bytes
        // until the context is reset or freed, which reads nothing through it.
        return bytes.withUnsafeBufferPointer { buffer in
            xmlCtxtReset(context)
            guard let input = xmlNewStringInputStream(context, buffer.baseAddress) else { return nil }
            if let url { input.pointee.filename = UnsafePointer(OpaquePointer(xmlStrdup(url))) }
            inputPush(context, input)
            xmlCtxtUseOptions(context, options)
            xmlParseDocument(context)
            let document = context.pointee.myDoc
            context.pointee.myDoc = nil
            guard context.pointee.wellFormed != 0 || context.pointee.recovery != 0 else {
                xmlFreeDoc(document)
                return nil
            }
            return document
        }
    }
}
