import Foundation
#if canImport(Glibc)
import Glibc
#endif
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

    /// RFC 1123, as `Last-Modified` wants it; formatted by hand because it is on every GET.
    static func httpDate(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }

    static func parseHTTPDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.date(from: text)
    }
}
