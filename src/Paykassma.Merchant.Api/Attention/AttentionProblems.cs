using Paykassma.Merchant.Api.Hosting;

namespace Paykassma.Merchant.Api.Attention;

/// <summary>The attention list's own problems, written once for the answer and its OpenAPI example.</summary>
public static class AttentionProblems
{
    public static readonly ProblemKind NoSuchKind =
        new(StatusCodes.Status404NotFound, Problems.NotFound, "No such kind of attention entry");

    public static readonly ProblemKind NoUnseenEntry =
        new(StatusCodes.Status404NotFound, Problems.NotFound, "No unseen entry of that kind for that subject");
}
