import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix
import NIOFileSystem
import WharfObjectStore

/// `wharf s3 ls|cp|rm`: move files through Wharf's S3 face without the AWS CLI.
struct S3Command: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "s3",
        abstract: "List, copy and remove objects through the server's S3-compatible API.",
        discussion: """
            Credentials: WHARF_ACCESS_KEY_ID and WHARF_SECRET_ACCESS_KEY (or AWS_ACCESS_KEY_ID and
            AWS_SECRET_ACCESS_KEY) from `wharf keys create`; without them requests go unsigned, which
            only a server running open on loopback accepts.
            """,
        subcommands: [List.self, Copy.self, Remove.self]
    )

    struct Endpoint: ParsableArguments {
        @Option(help: "Server URL. [env: WHARF_URL] [default: http://127.0.0.1:8080]")
        var url: String?

        func client() throws -> S3Client {
            try S3Client(endpoint: Setting.resolve(url, env: "WHARF_URL", default: "http://127.0.0.1:8080"))
        }
    }

    /// `s3://bucket/key` split into its parts.
    struct Location {
        let bucket: String
        let key: String

        init?(_ text: String) {
            guard text.hasPrefix("s3://") else { return nil }
            let rest = text.dropFirst(5)
            guard !rest.isEmpty else { return nil }
            if let slash = rest.firstIndex(of: "/") {
                bucket = String(rest[..<slash])
                key = String(rest[rest.index(after: slash)...])
            } else {
                bucket = String(rest)
                key = ""
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "ls", abstract: "List buckets, or the objects under s3://bucket/prefix.")
        @Argument(help: "s3://bucket[/prefix]; omit to list buckets.") var location: String?
        @Flag(help: "List every object under the prefix instead of one level.") var recursive = false
        @Flag(help: "Print JSON instead of a table.") var json = false
        @OptionGroup var endpoint: Endpoint

        func run() async throws {
            try await runReportingFailures {
                let client = try endpoint.client()
                guard let location else {
                    let buckets = try await client.buckets()
                    if json {
                        print(String(decoding: try JSONSerialization.data(withJSONObject: ["buckets": buckets.map { ["name": $0.name, "created": $0.created] }]), as: UTF8.self))
                        return
                    }
                    var table = Table(headers: ["BUCKET", "CREATED"])
                    table.rows = buckets.map { [$0.name, $0.created] }
                    print(table.render())
                    return
                }
                guard let parsed = Location(location) else { throw ValidationError("expected s3://bucket[/prefix], got '\(location)'") }
                let listing = try await client.list(bucket: parsed.bucket, prefix: parsed.key, delimiter: recursive ? nil : "/")
                if json {
                    let objects = listing.objects.map { ["key": $0.key, "size": $0.size, "lastModified": $0.lastModified] as [String: Any] }
                    print(String(decoding: try JSONSerialization.data(withJSONObject: ["objects": objects, "prefixes": listing.prefixes]), as: UTF8.self))
                    return
                }
                var table = Table(headers: ["LAST MODIFIED", "SIZE", "KEY"])
                table.rows = listing.prefixes.map { ["", "PRE", $0] } + listing.objects.map { [$0.lastModified, String($0.size), $0.key] }
                print(table.render())
            }
        }
    }

    struct Copy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "cp", abstract: "Upload a file to s3://bucket/key or download an object to a file.")
        @Argument(help: "A local file or s3://bucket/key.") var source: String
        @Argument(help: "s3://bucket/key (a trailing / keeps the file name) or a local path.") var destination: String
        @Option(help: "Files larger than this many bytes are uploaded in parts. [env: WHARF_S3_MULTIPART_THRESHOLD] [default: 67108864]")
        var multipartThreshold: Int64?
        @Option(help: "Bytes per part of a multipart upload, at least 5 MiB. [env: WHARF_S3_PART_SIZE] [default: 16777216]")
        var partSize: Int64?
        @Option(help: "Parts uploaded at once. [default: 4]") var parallelParts = 4
        @OptionGroup var endpoint: Endpoint

        func validate() throws {
            if let partSize, partSize < MultipartLimits.minimumPartSize { throw ValidationError("--part-size must be at least 5 MiB (5242880)") }
            if let multipartThreshold, multipartThreshold < 0 { throw ValidationError("--multipart-threshold must not be negative") }
            guard parallelParts >= 1 else { throw ValidationError("--parallel-parts must be at least 1") }
        }

        private func setting(_ flag: Int64?, env: String, default fallback: Int64) throws -> Int64 {
            let text = Setting.resolve(flag.map(String.init), env: env, default: String(fallback))
            guard let value = Int64(text), value >= 0 else { throw ValidationError("\(env) must be a number of bytes, got '\(text)'") }
            return value
        }

        func run() async throws {
            try await runReportingFailures {
                let client = try endpoint.client()
                switch (Location(source), Location(destination)) {
                case (nil, let target?):
                    try await upload(client, file: source, to: target)
                case (let origin?, nil):
                    try await download(client, from: origin, to: destination)
                default:
                    throw ValidationError("one side must be a local path and the other s3://bucket/key")
                }
            }
        }

        private func upload(_ client: S3Client, file: String, to target: Location) async throws {
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: file),
                  (attributes[.type] as? FileAttributeType) == .typeRegular,
                  let size = (attributes[.size] as? NSNumber)?.int64Value else {
                throw CommandFailure(message: "no such file: \(file)", exitCode: 3)
            }
            let key = target.key.isEmpty || target.key.hasSuffix("/") ? target.key + URL(fileURLWithPath: file).lastPathComponent : target.key
            let progress = TransferProgress(label: "upload \(URL(fileURLWithPath: file).lastPathComponent)", total: size)
            let threshold = try setting(multipartThreshold, env: "WHARF_S3_MULTIPART_THRESHOLD", default: 64 << 20)
            let part = try setting(partSize, env: "WHARF_S3_PART_SIZE", default: 16 << 20)
            guard part >= MultipartLimits.minimumPartSize else { throw ValidationError("WHARF_S3_PART_SIZE must be at least 5 MiB (5242880)") }
            try await FileSystem.shared.withFileHandle(forReadingAt: FilePath(file)) { handle in
                if size > threshold {
                    let upload = MultipartUpload(client: client, bucket: target.bucket, key: key, partSize: part, parallelParts: parallelParts)
                    _ = try await upload.run(handle, size: size, progress: progress)
                    return
                }
                let chunks = handle.readChunks(chunkLength: .mebibytes(1)).map { chunk -> ByteBuffer in
                    progress.advance(chunk.readableBytes)
                    return chunk
                }
                _ = try await client.send(.PUT, bucket: target.bucket, key: key, body: .stream(chunks, length: .known(size)), contentLength: size)
            }
            progress.finish()
            print("upload: \(file) to s3://\(target.bucket)/\(key)")
        }

        private func download(_ client: S3Client, from origin: Location, to path: String) async throws {
            guard !origin.key.isEmpty else { throw ValidationError("download needs s3://bucket/key, got a bucket") }
            var target = path
            var isDirectory: ObjCBool = false
            if path.hasSuffix("/") || (FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue) {
                target = URL(fileURLWithPath: path).appendingPathComponent(URL(fileURLWithPath: origin.key).lastPathComponent).path
            }
            let response = try await client.send(.GET, bucket: origin.bucket, key: origin.key)
            let total = response.headers.first(name: "content-length").flatMap { Int64($0) }
            let progress = TransferProgress(label: "download \(URL(fileURLWithPath: origin.key).lastPathComponent)", total: total)
            // Write beside the target and rename, so an interrupted download never leaves a partial file in its place.
            let partial = target + ".wharf-partial"
            try? FileManager.default.removeItem(atPath: partial)
            try await FileSystem.shared.withFileHandle(forWritingAt: FilePath(partial), options: .newFile(replaceExisting: true)) { handle in
                var writer = handle.bufferedWriter()
                for try await chunk in response.body {
                    progress.advance(chunk.readableBytes)
                    try await writer.write(contentsOf: chunk)
                }
                try await writer.flush()
            }
            if FileManager.default.fileExists(atPath: target) { try FileManager.default.removeItem(atPath: target) }
            try FileManager.default.moveItem(atPath: partial, toPath: target)
            progress.finish()
            print("download: s3://\(origin.bucket)/\(origin.key) to \(target)")
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "rm", abstract: "Delete s3://bucket/key.")
        @Argument(help: "s3://bucket/key") var location: String
        @OptionGroup var endpoint: Endpoint

        func run() async throws {
            try await runReportingFailures {
                guard let parsed = Location(location), !parsed.key.isEmpty else { throw ValidationError("expected s3://bucket/key, got '\(location)'") }
                _ = try await endpoint.client().send(.DELETE, bucket: parsed.bucket, key: parsed.key)
                print("delete: \(location)")
            }
        }
    }
}
