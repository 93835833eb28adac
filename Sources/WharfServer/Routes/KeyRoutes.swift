import Hummingbird
import WharfPlatform

/// `/v1/keys`: create (the secret is returned once), list, get and revoke API keys. Admin only.
struct KeyRoutes {
    let keys: KeyService

    struct CreateKeyRequest: Decodable {
        let name: String
        let role: String
    }

    struct KeyList: ResponseEncodable {
        let keys: [APIKey]
    }

    func register(on group: RouterGroup<WharfRequestContext>) {
        group.post("/keys") { request, context -> EditedResponse<IssuedKey> in
            let body = try await request.decodeJSON(as: CreateKeyRequest.self, context: context)
            guard let role = Role(rawValue: body.role) else {
                throw WharfError.invalid("role", "role must be one of admin, write, read, invoke; got '\(body.role)'")
            }
            return EditedResponse(status: .created, response: try await keys.create(name: body.name, role: role))
        }
        group.get("/keys") { _, _ in KeyList(keys: try await keys.list()) }
        group.get("/keys/{id}") { _, context in try await keys.get(try context.parameters.require("id")) }
        group.delete("/keys/{id}") { _, context in try await keys.revoke(try context.parameters.require("id")) }
    }
}

extension APIKey: ResponseEncodable {}
extension IssuedKey: ResponseEncodable {}
