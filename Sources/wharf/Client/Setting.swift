import Foundation

/// Resolves one setting the documented way: the flag, then the `WHARF_*` variable, then the default.
enum Setting {
    static func resolve(_ flag: String?, env name: String, default fallback: String) -> String {
        if let flag, !flag.isEmpty { return flag }
        if let value = ProcessInfo.processInfo.environment[name], !value.isEmpty { return value }
        return fallback
    }

    static func optional(_ flag: String?, env name: String) -> String? {
        if let flag, !flag.isEmpty { return flag }
        if let value = ProcessInfo.processInfo.environment[name], !value.isEmpty { return value }
        return nil
    }
}
