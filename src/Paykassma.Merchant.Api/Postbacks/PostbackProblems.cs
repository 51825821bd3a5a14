using Paykassma.Merchant.Api.Hosting;

namespace Paykassma.Merchant.Api.Postbacks;

/// <summary>Ops' postback calls' own problems, written once for the answer and its OpenAPI example.</summary>
public static class PostbackProblems
{
    public static readonly ProblemKind NotRejected =
        new(StatusCodes.Status409Conflict, Problems.PostbackNotRejected, "Only a stored rejected or held postback (kept whole) can be verified again");

    public static readonly ProblemKind StillRejected =
        new(StatusCodes.Status422UnprocessableEntity, Problems.PostbackStillRejected, "The postback still does not verify");
}
