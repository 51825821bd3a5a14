using Paykassma.Merchant.Api.Hosting;

namespace Paykassma.Merchant.Api.Events;

/// <summary>Ops' money event calls' own problems, written once for the answer and its OpenAPI example.</summary>
public static class EventProblems
{
    public static readonly ProblemKind NotRedeliverable =
        new(StatusCodes.Status404NotFound, Problems.NotFound, "No failed or delivered event with that id");
}
