import Foundation
import HTTPTypes
import Hummingbird

/// The headers `mlflow server` sends with an artifact download: the content type guessed from the file's
/// name alone (never from what the uploader or the caller asked for), `Content-Disposition: attachment` with
/// the file's name, and `X-Content-Type-Options: nosniff`, so a browser saves an artifact instead of
/// rendering it on the server's origin.
enum ArtifactDownloadHeaders {
    /// MLflow's text extensions (`mlflow/utils/mime_type_utils.py`), served as `text/plain`; names without an
    /// extension (`MLmodel`, `MLproject`) are matched whole.
    static let textExtensions: Set<String> = [
        "txt", "log", "err", "cfg", "conf", "cnf", "cf", "ini", "properties", "prop", "hocon", "toml", "yaml", "yml",
        "xml", "json", "js", "py", "py3", "csv", "tsv", "md", "rst", "ipynb", "MLmodel", "MLproject",
    ]

    /// What Python's `mimetypes.guess_type` answers for the other extensions artifacts commonly have.
    static let knownTypes: [String: String] = [
        "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif", "bmp": "image/bmp",
        "svg": "image/svg+xml", "tif": "image/tiff", "tiff": "image/tiff", "webp": "image/webp", "ico": "image/vnd.microsoft.icon",
        "html": "text/html", "htm": "text/html", "css": "text/css", "pdf": "application/pdf",
        "zip": "application/zip", "gz": "application/gzip", "tar": "application/x-tar", "bz2": "application/x-bzip2",
        "mp4": "video/mp4", "mp3": "audio/mpeg", "wav": "audio/x-wav", "parquet": "application/vnd.apache.parquet",
    ]

    static func contentType(forName name: String) -> String {
        let ext = name.lastIndex(of: ".").map { String(name[name.index(after: $0)...]) } ?? ""
        let key = ext.isEmpty ? name : ext
        if textExtensions.contains(key) { return "text/plain" }
        return knownTypes[key.lowercased()] ?? "application/octet-stream"
    }

    /// `attachment; filename=...` as werkzeug quotes it, with an RFC 5987 `filename*` for non-ASCII names.
    static func contentDisposition(forName name: String) -> String {
        if name.unicodeScalars.allSatisfy(\.isASCII) { return "attachment; filename=\(quoted(name))" }
        let ascii = String(String.UnicodeScalarView(name.decomposedStringWithCompatibilityMapping.unicodeScalars.filter(\.isASCII)))
        let fallback = ascii.isEmpty ? "download" : ascii
        var encoded = ""
        for byte in name.utf8 {
            let c = Character(Unicode.Scalar(byte))
            if byte < 0x80, c.isLetter || c.isNumber || "!#$&+-.^_`|~".contains(c) {
                encoded.append(c)
            } else {
                encoded += String(format: "%%%02X", byte)
            }
        }
        return "attachment; filename=\(quoted(fallback)); filename*=UTF-8''\(encoded)"
    }

    static let tokenCharacters = Set("!#$%&'*+-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ^_`abcdefghijklmnopqrstuvwxyz|~")

    static func quoted(_ value: String) -> String {
        if !value.isEmpty, value.allSatisfy({ tokenCharacters.contains($0) }) { return value }
        return "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    static let contentTypeOptions = HTTPField.Name("X-Content-Type-Options")!

    static func fields(path: String, size: Int64) -> HTTPFields {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        var headers: HTTPFields = [:]
        headers[.contentType] = contentType(forName: name)
        headers[.contentDisposition] = contentDisposition(forName: name)
        headers[Self.contentTypeOptions] = "nosniff"
        headers[.contentLength] = String(size)
        return headers
    }
}
