import HTTPTypes

extension S3SupportTable {
    /// The operation a request asks for, or S3's error for a request the table does not serve.
    enum Resolution {
        case operation(S3OperationSpec)
        case refused(S3Error)

        var operation: S3OperationSpec? {
            if case .operation(let spec) = self { return spec }
            return nil
        }
    }

    /// Matches a request against the table: one dictionary lookup, then one pass over the query
    /// and one over the headers, each name checked against the small lists of the matched entry.
    static func resolve(method: HTTPRequest.Method, bucket: String?, key: String?, query: [String: String], headers: HTTPFields) -> Resolution {
        let kind: S3ResourceKind = bucket == nil ? .service : (key == nil ? .bucket : .object)
        var subresource: String?
        for name in query.keys where subresources.contains(name) {
            if let first = subresource {
                let pair = [first, name].sorted()
                return .refused(notImplemented("?\(pair[0]) together with ?\(pair[1]) is not an S3 operation Wharf implements"))
            }
            subresource = name
        }
        let copies = kind == .object && method == .put && headers[S3Headers.copySource] != nil
        guard let spec = byKey[Key(method: method.rawValue, kind: kind, subresource: subresource, copies: copies)] else {
            return .refused(notImplemented(describe(method: method, kind: kind, subresource: subresource, copies: copies) + " is not implemented by Wharf"))
        }
        if subresource == "list-type", query["list-type"] != "2" {
            return .refused(S3Error.invalidArgument("list-type must be 2, got '\(query["list-type"] ?? "")'"))
        }
        for name in query.keys where name != subresource && !signatureParameters.contains(name) && !spec.parameters.contains(name) {
            return .refused(notImplemented("query parameter '\(name)' is not implemented by Wharf for \(spec.name)"))
        }
        for field in headers {
            let name = field.name.canonicalName
            guard isGoverned(name) else { continue }
            guard let rule = spec.headers.first(where: { $0.name == name }) else {
                return .refused(notImplemented("header '\(name)' is not implemented by Wharf for \(spec.name)"))
            }
            guard rule.allows(field.value) else {
                return .refused(notImplemented("\(name): \(field.value) is not implemented by Wharf for \(spec.name); it serves \(rule.values!.joined(separator: ", "))"))
            }
        }
        return .operation(spec)
    }

    static func notImplemented(_ message: String) -> S3Error {
        S3Error(status: 501, code: "NotImplemented", message: message)
    }

    /// `PUT ?tagging on an object`, as an error message or a docs row names a request.
    static func describe(method: HTTPRequest.Method, kind: S3ResourceKind, subresource: String?, copies: Bool) -> String {
        var text = method.rawValue
        if let subresource { text += " ?\(subresource)" }
        switch kind {
        case .service: text += " on the service"
        case .bucket: text += " on a bucket"
        case .object: text += " on an object"
        }
        if copies { text += " with x-amz-copy-source" }
        return text
    }
}
