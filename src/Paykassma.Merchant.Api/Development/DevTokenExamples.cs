using Paykassma.Merchant.Api.Hosting;
using static Paykassma.Merchant.Api.Hosting.OpenApiExample;

namespace Paykassma.Merchant.Api.Development;

/// <summary>The example of the Development token call.</summary>
internal static class DevTokenExamples
{
    internal static readonly Dictionary<string, OperationExamples> Operations = new()
    {
        ["DevToken"] = new("""{"label":"alice","ops":false,"lifetimeMinutes":60}""", new()
        {
            ["400"] = Problem(Problems.Invalid,
                ""","errors":{"lifetimeMinutes":["From 1 to 1440."]}"""),
        }),
    };
}
