import Foundation

/// Finds `../shared/data` beside the repository (or `WHARF_SHARED_DATA`); nil when absent, so tests generate data.
enum SharedData {
    static let root: URL? = {
        let fm = FileManager.default
        if let env = ProcessInfo.processInfo.environment["WHARF_SHARED_DATA"], fm.fileExists(atPath: env) {
            return URL(fileURLWithPath: env)
        }
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while dir.path != "/" {
            if fm.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) {
                let data = dir.deletingLastPathComponent().appendingPathComponent("shared/data")
                return fm.fileExists(atPath: data.path) ? data : nil
            }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }()

    /// A fresh temporary directory for a test's files.
    static func temporaryDirectory() -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("wharfframe-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }

    static func write(_ text: String, _ name: String) throws -> String {
        let p = temporaryDirectory().appendingPathComponent(name).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: p))
        return p
    }
}
