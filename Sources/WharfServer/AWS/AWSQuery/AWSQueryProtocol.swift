import Foundation
import Hummingbird
import WharfObjectStore

/// awsQuery: `Action=Operation&Version=...&Member=...` in a form body (or the query string), lists as
/// `Name.member.N`, maps as `Name.entry.N.key/value`; answered in XML
/// `<OperationResponse><OperationResult>...</OperationResult><ResponseMetadata>` and errors as
/// `<ErrorResponse><Error><Type><Code><Message></Error><RequestId>`.
enum AWSQueryProtocol: AWSWireProtocol {
    static func namespace(_ service: AWSService) -> String {
        if case .awsQuery(let namespace) = service.protocol { return namespace }
        return ""
    }

    static func operation(of request: AWSWireRequest, in service: AWSService) throws(AWSError) -> (AWSOperation, AWSValue) {
        var parameters = request.queryItems
        parameters.append(contentsOf: try formItems(request.body))
        guard let action = parameters.last(where: { $0.name == "Action" })?.value, !action.isEmpty else {
            throw AWSError(.missingAction, "the request names no Action")
        }
        guard let operation = service.operation(named: action) else {
            throw AWSError(.unknownOperation, "Could not find operation \(action) for version \(service.apiVersion)")
        }
        let members = parameters.filter { $0.name != "Action" && $0.name != "Version" && !$0.name.hasPrefix("X-Amz-") }
        return (operation, try tree(members))
    }

    /// `application/x-www-form-urlencoded` pairs, `+` read as a space.
    static func formItems(_ body: [UInt8]) throws(AWSError) -> [(name: String, value: String)] {
        guard !body.isEmpty else { return [] }
        guard let text = String(validating: body, as: UTF8.self) else {
            throw AWSError(.malformedBody, "the form body is not UTF-8")
        }
        return SigV4.queryItems(text.utf8.contains(UInt8(ascii: "+")) ? text.replacingOccurrences(of: "+", with: "%20") : text)
    }

    /// Turns dotted parameter names into nested members.
    static func tree(_ parameters: [(name: String, value: String)]) throws(AWSError) -> AWSValue {
        let root = Node()
        for (name, value) in parameters {
            let path = name.split(separator: ".", omittingEmptySubsequences: false)
            guard path.allSatisfy({ !$0.isEmpty }), path.count <= 16 else {
                throw AWSError(.malformedBody, "the parameter name '\(name)' is not a member path")
            }
            var node = root
            for part in path { node = node.child(String(part)) }
            guard node.leaf == nil, node.children.isEmpty else { throw AWSError(.malformedBody, "the parameter '\(name)' is given twice") }
            node.leaf = value
        }
        return try root.value(path: "")
    }

    final class Node {
        var leaf: String?
        var children: [(String, Node)] = []

        func child(_ name: String) -> Node {
            if let found = children.first(where: { $0.0 == name }) { return found.1 }
            let node = Node()
            children.append((name, node))
            return node
        }

        func value(path: String) throws(AWSError) -> AWSValue {
            if let leaf {
                guard children.isEmpty else { throw AWSError(.malformedBody, "'\(path)' is both a value and a structure") }
                return .string(leaf)
            }
            if children.count == 1, children[0].0 == "member" || children[0].0 == "entry" {
                let isMap = children[0].0 == "entry"
                var items: [(Int, Node)] = []
                for (index, node) in children[0].1.children {
                    guard let position = Int(index), position >= 1 else {
                        throw AWSError(.malformedBody, "'\(path).\(children[0].0).\(index)' needs a positive index")
                    }
                    items.append((position, node))
                }
                items.sort { $0.0 < $1.0 }
                if isMap {
                    var members: [(String, AWSValue)] = []
                    for (position, node) in items {
                        guard case .string(let key)? = try node.children.first(where: { $0.0 == "key" })?.1.value(path: path) else {
                            throw AWSError(.malformedBody, "'\(path).entry.\(position)' has no key")
                        }
                        members.append((key, try node.children.first(where: { $0.0 == "value" })?.1.value(path: path) ?? .null))
                    }
                    return .structure(members)
                }
                var list: [AWSValue] = []
                for (position, node) in items { list.append(try node.value(path: "\(path).member.\(position)")) }
                return .list(list)
            }
            var members: [(String, AWSValue)] = []
            for (name, node) in children { members.append((name, try node.value(path: path.isEmpty ? name : "\(path).\(name)"))) }
            return .structure(members)
        }
    }

    static func response(_ output: AWSValue, operation: AWSOperation, service: AWSService, requestId: String) -> Response {
        var xml = "<\(operation.name)Response xmlns=\"\(namespace(service))\"><\(operation.name)Result>"
        if case .structure(let members) = output {
            for (name, value) in members { element(name, value, into: &xml) }
        }
        xml += "</\(operation.name)Result><ResponseMetadata><RequestId>\(requestId)</RequestId></ResponseMetadata></\(operation.name)Response>"
        return .aws(status: 200, contentType: "text/xml", requestId: requestId, body: Array(xml.utf8))
    }

    static func element(_ name: String, _ value: AWSValue, into xml: inout String) {
        switch value {
        case .null: return
        case .list(let items):
            xml += "<\(name)>"
            for item in items { element("member", item, into: &xml) }
            xml += "</\(name)>"
        case .structure(let members):
            xml += "<\(name)>"
            for (child, item) in members { element(child, item, into: &xml) }
            xml += "</\(name)>"
        default:
            xml += "<\(name)>\(escape(text(value)))</\(name)>"
        }
    }

    static func text(_ value: AWSValue) -> String {
        switch value {
        case .string(let text), .number(let text): text
        case .bool(let b): b ? "true" : "false"
        case .timestamp(let date): AWSTimestamp.iso8601(date)
        case .blob(let data): data.base64EncodedString()
        default: ""
        }
    }

    /// XML text: markup characters escaped, characters XML 1.0 cannot carry replaced by U+FFFD.
    static func escape(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { "&<>\"'".unicodeScalars.contains($0) || ($0.value < 0x20 && $0 != "\n" && $0 != "\t") || $0.value == 0xFFFE || $0.value == 0xFFFF })
        else { return text }
        var out = ""
        for ch in text.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\n", "\t": out.unicodeScalars.append(ch)
            default: out.unicodeScalars.append(ch.value < 0x20 || ch.value == 0xFFFE || ch.value == 0xFFFF ? "\u{FFFD}" : ch)
            }
        }
        return out
    }

    static func errorResponse(_ name: AWSErrorName, message: String, service: AWSService, requestId: String) -> Response {
        let type = name.status >= 500 ? "Receiver" : "Sender"
        let xml = "<ErrorResponse xmlns=\"\(namespace(service))\"><Error><Type>\(type)</Type><Code>\(escape(name.code))</Code>"
            + "<Message>\(escape(message))</Message></Error><RequestId>\(requestId)</RequestId></ErrorResponse>"
        return .aws(status: name.status, contentType: "text/xml", requestId: requestId, body: Array(xml.utf8))
    }
}
