import DSKEService
import Testing

@Suite struct RouteTableTests {
    @Test func knowsTheMethodsOfAPathIncludingParameterSegments() {
        let noop: Route.Handler = { _, _ in JSONResponse.make(bytes: []) }
        let table = RouteTable([
            Route(.post, "/hub/hank/dske/api/v1/key-share", handler: noop),
            Route(.get, "/hub/hank/dske/api/v1/key-share", handler: noop),
            Route(.get, "/api/v1/keys/:sae/status", handler: noop),
            Route(.post, "/api/v1/keys/{sae}/enc_keys", handler: noop),
        ])
        #expect(table.methods(for: "/hub/hank/dske/api/v1/key-share") == [.post, .get])
        #expect(table.methods(for: "/hub/hank/dske/api/v1/key-share/") == [.post, .get])
        #expect(table.methods(for: "/api/v1/keys/sofia/status") == [.get])
        #expect(table.methods(for: "/api/v1/keys/sofia/enc_keys") == [.post])
        #expect(table.methods(for: "/api/v1/keys/sofia/other").isEmpty)
        #expect(table.methods(for: "/hub/helen/dske/api/v1/key-share").isEmpty)
    }
}
