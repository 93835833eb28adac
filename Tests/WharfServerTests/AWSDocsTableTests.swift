import Foundation
import Testing
@testable import WharfServer

/// docs/aws.md's table of supported services and operations is the registry's own rendering, so the
/// documentation cannot drift from the code.
@Suite struct AWSDocsTableTests {
    static let begin = "<!-- operations table: generated from AWSOperationRegistry.standard().markdownTable(); AWSDocsTableTests checks it -->"
    static let end = "<!-- end of operations table -->"

    @Test func docsListExactlyTheRegisteredOperations() throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/aws.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        let start = try #require(text.range(of: Self.begin), "docs/aws.md lacks the table's opening marker")
        let stop = try #require(text.range(of: Self.end, range: start.upperBound..<text.endIndex), "docs/aws.md lacks the table's closing marker")
        let table = text[start.upperBound..<stop.lowerBound].trimmingCharacters(in: .whitespacesAndNewlines)
        let expected = AWSOperationRegistry.standard().markdownTable()
        #expect(table == expected, "replace the table in docs/aws.md with:\n\(expected)")
        let registry = AWSOperationRegistry.standard()
        #expect(Set(registry.services.map(\.signingName)) == ["sts", "sagemaker", "logs", "states", "lambda"])
    }
}
