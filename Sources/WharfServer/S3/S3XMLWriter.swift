import Foundation
import WharfObjectStore

/// Builds the small XML documents S3 answers with, escaping every text value.
struct S3XMLWriter {
    private(set) var text = ""

    /// A whole document; S3 puts its namespace on result roots but not on `<Error>`.
    static func document(_ root: String, namespace: Bool = true, _ body: (inout S3XMLWriter) -> Void) -> String {
        var writer = S3XMLWriter()
        writer.text = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
        writer.open(root, namespace: namespace)
        body(&writer)
        writer.close(root)
        return writer.text
    }

    mutating func open(_ name: String, namespace: Bool = false) {
        text += namespace ? "<\(name) xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">" : "<\(name)>"
    }

    mutating func close(_ name: String) {
        text += "</\(name)>"
    }

    mutating func element(_ name: String, _ value: String) {
        text += "<\(name)>\(S3XML.escape(value))</\(name)>"
    }

    mutating func element(_ name: String, _ body: (inout S3XMLWriter) -> Void) {
        open(name)
        body(&self)
        close(name)
    }

    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// RFC 1123, as `Last-Modified` wants it.
    static func httpDate(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: date)
    }

    static func parseHTTPDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.date(from: text)
    }
}
