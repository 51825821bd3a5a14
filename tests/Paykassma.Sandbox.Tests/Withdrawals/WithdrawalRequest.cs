using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Paykassma.Sandbox.Withdrawals;

namespace Paykassma.Sandbox.Tests.Withdrawals;

/// <summary>
/// A withdrawal-create body, valid unless a test changes it, signed when it is sent. The signature is the
/// sandbox's own computation: <see cref="WithdrawalSignaturePhpTests"/> pins that to PHP, so the other tests
/// can lean on it.
/// </summary>
internal sealed class WithdrawalRequest
{
    /// <summary>Distinctive, so a test can search every log line and answer for it.</summary>
    public const string Key = "test-withdrawal-key-8d41c2";

    public const string Path = "/v2/withdrawal/create";

    public JsonObject Fields { get; } = new()
    {
        ["withdrawal_id"] = $"wd-{Guid.NewGuid():N}",
        ["payment_system"] = "sinpemovil",
        ["amount"] = 1020,
        ["currency_code"] = "BTN",
        ["is_test"] = true,
        ["label"] = "user-42",
        ["account_number"] = "88123456",
        ["account_name"] = "Dorji Wangmo",
    };

    public string WithdrawalId => (string)Fields["withdrawal_id"]!;

    /// <summary>Sets a field; <c>null</c> sends JSON null (use <see cref="Without"/> to leave a field out).</summary>
    public WithdrawalRequest With(string field, JsonNode? value)
    {
        Fields[field] = value;
        return this;
    }

    public WithdrawalRequest Without(string field)
    {
        Fields.Remove(field);
        return this;
    }

    public static string Sign(JsonObject fields, string key)
    {
        var element = JsonSerializer.SerializeToElement(fields);
        return GatewayWithdrawalSignature.Compute(GatewayWithdrawalSignature.JoinedValues(element), key);
    }

    /// <summary>The body with <c>signature</c> last: <paramref name="signature"/> as given, else computed with <paramref name="key"/>.</summary>
    public string Body(string key = Key, string? signature = null)
    {
        var body = (JsonObject)Fields.DeepClone();
        body["signature"] = signature ?? Sign(Fields, key);
        return body.ToJsonString();
    }

    public HttpContent ToContent(string key = Key, string? signature = null)
    {
        var content = new StringContent(Body(key, signature), Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }
}

internal static class WithdrawalSandboxExtensions
{
    public static Dictionary<string, string?> Settings(params (string Key, string? Value)[] more)
    {
        var settings = new Dictionary<string, string?> { ["Sandbox:WithdrawalPrivateKey"] = WithdrawalRequest.Key };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return settings;
    }

    public static Task<HttpResponseMessage> CreateWithdrawalAsync(this TestSandbox sandbox, WithdrawalRequest request, string key = WithdrawalRequest.Key) =>
        sandbox.Http.PostAsync(WithdrawalRequest.Path, request.ToContent(key));

    public static async Task<JsonElement?> FindWithdrawalAsync(this TestSandbox sandbox, string withdrawalId)
    {
        using var response = await sandbox.Http.GetAsync($"/sandbox/withdrawals/{Uri.EscapeDataString(withdrawalId)}");
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    public static async Task<JsonElement[]> ListWithdrawalsAsync(this TestSandbox sandbox)
    {
        using var document = JsonDocument.Parse(await sandbox.Http.GetStringAsync("/sandbox/withdrawals"));
        return document.RootElement.EnumerateArray().Select(withdrawal => withdrawal.Clone()).ToArray();
    }
}

/// <summary>The gateway's withdrawal answers, checked strictly.</summary>
internal static class WithdrawalAssert
{
    public const string OkBody = """{"status":"ok"}""";

    public static async Task OkAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(OkBody, text);
    }

    /// <summary><c>{"status":"fail","message":{field:[…]}}</c>; returns the message object.</summary>
    public static async Task<JsonElement> FieldErrorsAsync(HttpResponseMessage response, int expectedStatus = 200)
    {
        Assert.Equal(expectedStatus, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(["status", "message"], body.RootElement.EnumerateObject().Select(property => property.Name));
        Assert.Equal("fail", body.RootElement.GetProperty("status").GetString());
        var message = body.RootElement.GetProperty("message");
        Assert.Equal(JsonValueKind.Object, message.ValueKind);
        Assert.All(message.EnumerateObject(), field => Assert.All(field.Value.EnumerateArray(), text => Assert.Equal(JsonValueKind.String, text.ValueKind)));
        return message.Clone();
    }
}
