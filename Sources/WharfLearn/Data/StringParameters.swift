import Foundation

/// Reads typed values out of string hyperparameters, with errors naming the parameter and its allowed range.
struct StringParameters {
    let values: [String: String]

    init(_ values: [String: String]) { self.values = values }

    func rejectUnknown(_ known: [String]) throws {
        for name in values.keys.sorted() where !known.contains(name) {
            throw LearnError(.unknownParameter, "unknown hyperparameter \(name); known: \(known.sorted().joined(separator: ", "))", field: name)
        }
    }

    private func lookup(_ names: [String]) -> (String, String)? {
        for name in names { if let v = values[name] { return (name, v.trimmingCharacters(in: .whitespaces)) } }
        return nil
    }

    func string(_ names: [String]) throws -> String? { lookup(names)?.1 }

    func int(_ names: [String], in range: ClosedRange<Int>) throws -> Int? {
        guard let (name, text) = lookup(names) else { return nil }
        let value: Int
        if let v = Int(text) {
            value = v
        } else if let d = Double(text), d == d.rounded(), abs(d) < 9e18 {
            value = Int(d)
        } else {
            throw LearnError(.invalidParameter, "\(name) must be an integer in \(range.lowerBound)...\(range.upperBound); got \(text)", field: name)
        }
        guard range.contains(value) else {
            throw LearnError(.invalidParameter, "\(name) must be in \(range.lowerBound)...\(range.upperBound); got \(text)", field: name)
        }
        return value
    }

    func double(_ names: [String], in range: ClosedRange<Double>, openLow: Bool = false) throws -> Double? {
        guard let (name, text) = lookup(names) else { return nil }
        let allowed = openLow ? "(\(range.lowerBound), \(range.upperBound)]" : "[\(range.lowerBound), \(range.upperBound)]"
        guard let value = Double(text), value.isFinite else {
            throw LearnError(.invalidParameter, "\(name) must be a number in \(allowed); got \(text)", field: name)
        }
        guard range.contains(value), !(openLow && value == range.lowerBound) else {
            throw LearnError(.invalidParameter, "\(name) must be in \(allowed); got \(text)", field: name)
        }
        return value
    }

    func choice(_ names: [String], from options: [String]) throws -> String? {
        guard let (name, text) = lookup(names) else { return nil }
        guard options.contains(text) else {
            throw LearnError(.invalidParameter, "\(name) must be one of \(options.joined(separator: ", ")); got \(text)", field: name)
        }
        return text
    }

    func bool(_ names: [String]) throws -> Bool? {
        guard let (name, text) = lookup(names) else { return nil }
        switch text.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw LearnError(.invalidParameter, "\(name) must be true or false; got \(text)", field: name)
        }
    }
}
