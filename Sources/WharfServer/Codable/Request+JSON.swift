import Foundation
import Hummingbird
import NIOCore
import WharfPlatform

extension Request {
    /// Decodes a JSON body up to the context's limit; malformed input becomes a WharfError naming the field.
    func decodeJSON<T: Decodable>(as type: T.Type, context: WharfRequestContext) async throws -> T {
        var request = self
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: context.maxUploadSize)
        } catch is NIOTooManyBytesError {
            throw WharfError(.payloadTooLarge, "the request body is larger than the limit of \(context.maxUploadSize) bytes")
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer: buffer))
        } catch let error as DecodingError {
            throw APIErrorMiddleware<WharfRequestContext>.describe(error)
        }
    }
}
