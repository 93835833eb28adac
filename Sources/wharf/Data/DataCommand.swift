import ArgumentParser
import Foundation
import WharfFrame
import Yams

/// `wharf data`: profile and validate data files.
struct DataCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Profile and validate CSV and JSON Lines data files.",
        subcommands: [DataProfileCommand.self, DataValidateCommand.self]
    )
}

/// Options shared by the data commands for reading a file.
struct DataFileOptions: ParsableArguments {
    @Argument(help: "Data file: .csv, .tsv, .json or .jsonl, optionally .gz.") var file: String
    @Option(help: "Field delimiter for CSV files (a single character; \\t for tab).") var delimiter: String?
    @Option(help: "Extra text read as null in CSV files (repeatable; pandas' NA tokens are always null).") var na: [String] = []

    func load() throws -> DataFrame {
        guard FileManager.default.fileExists(atPath: file) else { throw ValidationError("no such file: \(file)") }
        var format = try FileFormat.detect(file)
        if case .csv(var o) = format {
            if let delimiter {
                let d = delimiter == "\\t" ? "\t" : delimiter
                guard d.utf8.count == 1, let byte = d.utf8.first else { throw ValidationError("--delimiter must be one character") }
                o.delimiter = byte
            }
            o.naTokens.formUnion(na)
            format = .csv(o)
        }
        return try LocalFileSource(path: file, format: format).loadNow()
    }
}

/// `wharf data profile FILE`: per-column statistics as a table and a self-contained HTML report.
struct DataProfileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile",
        abstract: "Print per-column statistics and write an HTML report with histograms.",
        discussion: "For each column: type, count, missing, distinct, mean, std, min, quartiles, max, top values and a histogram; with --target, each column's correlation with it."
    )

    @OptionGroup var input: DataFileOptions
    @Option(help: "Target column: adds each column's correlation with it.") var target: String?
    @Option(help: "Where to write the HTML report (default: FILE's name with .profile.html, in the current folder).") var html: String?
    @Flag(help: "Do not write the HTML report.") var noHTML = false
    @Flag(help: "Print the profile as JSON instead of a table.") var json = false
    @Option(help: "Histogram bins.") var bins = 20

    func run() async throws {
        let frame = try input.load()
        let profile = try frame.profile(target: target, bins: bins)
        if json {
            let enc = JSONEncoder()
            enc.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try enc.encode(profile), as: UTF8.self))
        } else {
            print(profile.table(), terminator: "")
        }
        guard !noHTML else { return }
        let name = (input.file as NSString).lastPathComponent
        let path = html ?? (name.split(separator: ".").first.map(String.init) ?? name) + ".profile.html"
        try profile.html(title: "Profile of \(name)").write(toFile: path, atomically: true, encoding: .utf8)
        if !json { print("report: \(path)") }
    }
}

/// `wharf data validate FILE --schema schema.yaml`: every violation, exit status 1 when there is one.
struct DataValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a data file against a YAML schema; exits 1 when it has violations.",
        discussion: """
            Schema (YAML):
              allow_extra_columns: true
              columns:
                - name: age
                  type: int          # int, double, float, bool, string, categorical, date, timestamp, list, json
                  min: 18
                  max: 101
                  max_missing: 0.1   # largest share of nulls
                - name: gender
                  allowed: [M, F, O]
                - name: id
                  unique: true
                - name: optional_column
                  required: false
            """
    )

    @OptionGroup var input: DataFileOptions
    @Option(help: "Schema file (YAML or JSON).") var schema: String
    @Flag(help: "Print violations as JSON.") var json = false

    func run() async throws {
        guard FileManager.default.fileExists(atPath: schema) else { throw ValidationError("no such schema file: \(schema)") }
        let text = try String(contentsOfFile: schema, encoding: .utf8)
        let parsed: Schema
        do {
            parsed = try YAMLDecoder().decode(Schema.self, from: text)
        } catch let e as FrameError {
            throw ValidationError("schema \(schema): \(e.message)")
        } catch {
            throw ValidationError("schema \(schema) is not a valid schema: \(error)")
        }
        let frame = try input.load()
        let violations = parsed.validate(frame)
        if json {
            let enc = JSONEncoder()
            enc.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try enc.encode(violations), as: UTF8.self))
        } else if violations.isEmpty {
            print("\(input.file): \(frame.rowCount) rows conform to \(schema)")
        } else {
            print("\(input.file): \(violations.count) violation\(violations.count == 1 ? "" : "s") of \(schema)")
            for v in violations {
                let rows = v.exampleRows.isEmpty ? "" : " (rows \(v.exampleRows.map(String.init).joined(separator: ", "))\(v.count > v.exampleRows.count ? ", ..." : ""))"
                print("  \(v.column): \(v.rule.rawValue): \(v.message)\(rows)")
            }
        }
        if !violations.isEmpty { throw ExitCode(1) }
    }
}
