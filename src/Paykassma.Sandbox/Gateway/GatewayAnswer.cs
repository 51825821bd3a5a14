using System.Text;
using System.Text.Json.Nodes;

namespace Paykassma.Sandbox.Gateway;

/// <summary>
/// One answer of the gateway, kept as the exact text sent so the control endpoints can show
/// what a client really received (and tests can compare bytes, not a re-serialisation).
/// </summary>
public sealed record GatewayAnswer(int StatusCode, string ContentType, string Body)
{
    internal IResult ToResult() => Results.Text(Body, ContentType, Encoding.UTF8, StatusCode);
}

/// <summary>The gateway's wire shapes, in one place so every feature answers alike.</summary>
internal static class GatewayAnswers
{
    public const string JsonContentType = "application/json";

    /// <summary>The possible-transaction success body, byte for byte as the gateway's page shows it.</summary>
    public const string ProofAcceptedBody =
        """{"status":"success","message":"","code":20000,"data":[],"paginate":{"offset":0,"total":1,"limit":1}}""";

    public static readonly GatewayAnswer ProofAccepted = new(StatusCodes.Status200OK, JsonContentType, ProofAcceptedBody);

    /// <summary>The withdrawal-create success body: the gateway says nothing more until its postback.</summary>
    public static readonly GatewayAnswer Ok = new(StatusCodes.Status200OK, JsonContentType, """{"status":"ok"}""");

    /// <summary>What a load balancer in front of a dead gateway sends: HTML, not the gateway's JSON.</summary>
    public static readonly GatewayAnswer ServiceUnavailable = new(
        StatusCodes.Status503ServiceUnavailable,
        "text/html",
        "<html><head><title>503 Service Temporarily Unavailable</title></head>"
        + "<body><center><h1>503 Service Temporarily Unavailable</h1></center></body></html>\n");

    /// <summary>What PHP behind nginx sends when it dies mid-request: HTML, whatever the endpoint promised.</summary>
    public static readonly GatewayAnswer InternalServerError = new(
        StatusCodes.Status500InternalServerError,
        "text/html",
        "<html><head><title>500 Internal Server Error</title></head>"
        + "<body><center><h1>500 Internal Server Error</h1></center></body></html>\n");

    public static GatewayAnswer Fail(string message, int statusCode) =>
        new(statusCode, JsonContentType, new JsonObject { ["status"] = "fail", ["message"] = message }.ToJsonString());

    /// <summary>
    /// <c>{"status":"fail","message":{"field":["…"]}}</c>: the gateway's Laravel validation shape, a message
    /// that is an object (its insufficient-balance answer is one). Fields in the order given.
    /// </summary>
    public static GatewayAnswer FailWithErrors(IEnumerable<KeyValuePair<string, List<string>>> errors, int statusCode)
    {
        var message = new JsonObject();
        foreach (var (field, problems) in errors)
        {
            message[field] = new JsonArray([.. problems.Select(problem => JsonValue.Create(problem))]);
        }

        return new(statusCode, JsonContentType, new JsonObject { ["status"] = "fail", ["message"] = message }.ToJsonString());
    }

    /// <summary>
    /// <c>{"status":"ok","params":{…}}</c>. A <see cref="JsonObject"/> keeps the keys in the order given,
    /// including the human-readable ones with spaces that a typed model would rename.
    /// </summary>
    public static GatewayAnswer RequisitesOk(IEnumerable<KeyValuePair<string, JsonNode?>> requisites)
    {
        var parameters = new JsonObject();
        foreach (var (key, value) in requisites)
        {
            parameters[key] = value;
        }

        var body = new JsonObject { ["status"] = "ok", ["params"] = parameters };
        return new(StatusCodes.Status200OK, JsonContentType, body.ToJsonString());
    }
}
