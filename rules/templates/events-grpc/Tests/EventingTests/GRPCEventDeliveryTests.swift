import GRPCCore
import Testing

@testable import Eventing

/// Which gRPC statuses make an outbox entry a dead letter at once.
struct GRPCEventDeliveryTests {
    @Test func statusesThatNoRetryCanChangeArePermanent() {
        let permanent: [RPCError.Code] = [.invalidArgument, .notFound, .alreadyExists, .permissionDenied,
                                          .failedPrecondition, .outOfRange, .unimplemented, .dataLoss]
        let transient: [RPCError.Code] = [.unavailable, .deadlineExceeded, .resourceExhausted, .aborted,
                                          .cancelled, .internalError, .unknown, .unauthenticated]
        #expect(permanent.allSatisfy(grpcStatusIsPermanentFailure))
        #expect(!transient.contains(where: grpcStatusIsPermanentFailure))
    }
}
