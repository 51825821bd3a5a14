using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.Hosting;

/// <summary>
/// The limits the document states are the ones the service enforces: each is read from
/// /openapi/v1.json and tried at the limit (not refused for it) and one past it (refused, under the
/// field's name). The deposit amount's maximum was 2147483647 in the schema while the service refused
/// anything above 1 000 000.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ContractLimitsTests(MerchantApiFactory api)
{
    private async Task<JsonElement> SchemaAsync(string schema, string property)
    {
        using var ops = api.ClientFor("ops", ops: true);
        var document = await ops.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        return document.GetProperty("components").GetProperty("schemas").GetProperty(schema).GetProperty("properties").GetProperty(property);
    }

    private async Task<JsonElement> ParameterAsync(string path, string name)
    {
        using var ops = api.ClientFor("ops", ops: true);
        var document = await ops.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        return document.GetProperty("paths").GetProperty(path).EnumerateObject()
            .SelectMany(operation => operation.Value.TryGetProperty("parameters", out var parameters) ? parameters.EnumerateArray() : [])
            .First(p => p.GetProperty("name").GetString() == name).GetProperty("schema");
    }

    private static long Number(JsonElement schema, string keyword) => schema.GetProperty(keyword).GetInt64();

    /// <summary>Refused for this field (400 with an error under its name), or not.</summary>
    private static async Task<bool> RefusedFor(HttpResponseMessage response, string field)
    {
        if (response.StatusCode != HttpStatusCode.BadRequest)
        {
            return false;
        }
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        return problem.TryGetProperty("errors", out var errors) && errors.TryGetProperty(field, out _);
    }

    [Theory]
    [InlineData("/api/deposits", "CreateDepositRequest")]
    [InlineData("/api/deposits/window", "CreateWindowDepositRequest")]
    public async Task A_deposit_amount_is_taken_up_to_the_stated_maximum_and_from_the_stated_minimum(string path, string schema)
    {
        var amount = await SchemaAsync(schema, "amount");
        var (minimum, maximum) = (Number(amount, "minimum"), Number(amount, "maximum"));
        var label = GatewayScript.NewLabel("limit");
        api.Gateway.AnswersCreate(label, GatewayScript.RequisitesBody());
        using var user = api.ClientFor(label);

        Assert.Equal(1_000_000, maximum);
        Assert.False(await RefusedFor(await user.PostAsJsonAsync(path, new { amount = maximum }), "amount"));
        Assert.False(await RefusedFor(await user.PostAsJsonAsync(path, new { amount = minimum }), "amount"));
        Assert.True(await RefusedFor(await user.PostAsJsonAsync(path, new { amount = maximum + 1 }), "amount"));
        Assert.True(await RefusedFor(await user.PostAsJsonAsync(path, new { amount = minimum - 1 }), "amount"));
    }

    [Fact]
    public async Task A_proof_form_is_taken_within_its_stated_amount_and_transaction_number_rules()
    {
        var amount = await SchemaAsync("ProofForm", "amount");
        var pattern = (await SchemaAsync("ProofForm", "transactionNumber")).GetProperty("pattern").GetString();
        var maximum = Number(amount, "maximum").ToString(CultureInfo.InvariantCulture);
        var past = (Number(amount, "maximum") + 1).ToString(CultureInfo.InvariantCulture);
        var label = GatewayScript.NewLabel("proof-limit");
        var deposit = await api.CreateDepositAsync(label);
        api.Gateway.AnswersProof(label);
        using var user = api.ClientFor(label);

        Assert.Equal("^[0-9]{12}$", pattern);
        Assert.True(await RefusedFor(await user.UploadAsync(deposit, ProofScript.Form(amount: past)), "amount"));
        Assert.True(await RefusedFor(await user.UploadAsync(deposit, ProofScript.Form(transactionNumber: "12345678901")), "transactionNumber"));
        Assert.True(await RefusedFor(await user.UploadAsync(deposit, ProofScript.Form(transactionNumber: "1234567890123")), "transactionNumber"));
        Assert.False(await RefusedFor(await user.UploadAsync(deposit, ProofScript.Form(amount: maximum)), "amount"));
    }

    [Fact]
    public async Task A_payout_is_taken_within_its_stated_label_length_and_amount()
    {
        var labelLength = Number(await SchemaAsync("CreatePayoutRequest", "label"), "maxLength");
        var maximum = Number(await SchemaAsync("CreatePayoutRequest", "amount"), "maximum");
        using var backOffice = api.BackOfficeClient();
        JsonObject Payout(string label, long amount) => new()
        {
            ["label"] = label, ["amount"] = amount, ["accountNumber"] = PayoutScript.NewAccount(), ["accountName"] = "Dorji Wangmo",
        };
        string Label(long length) => ("payee-" + Guid.NewGuid().ToString("N") + new string('x', 64))[..(int)length];

        Assert.False(await RefusedFor(await backOffice.CreateAsync(Payout(Label(labelLength), 1020), Guid.NewGuid().ToString()), "label"));
        Assert.True(await RefusedFor(await backOffice.CreateAsync(Payout(Label(labelLength + 1), 1020), Guid.NewGuid().ToString()), "label"));
        Assert.False(await RefusedFor(await backOffice.CreateAsync(Payout(Label(20), maximum), Guid.NewGuid().ToString()), "amount"));
        Assert.True(await RefusedFor(await backOffice.CreateAsync(Payout(Label(20), maximum + 1), Guid.NewGuid().ToString()), "amount"));
    }

    [Fact]
    public async Task An_ops_reason_is_taken_up_to_its_stated_length()
    {
        var maxLength = (int)Number(await SchemaAsync("OpsActionRequest", "reason"), "maxLength");
        using var ops = api.ClientFor("limits-ops", ops: true);

        var atLimit = await ops.PostAsJsonAsync($"/api/ops/events/{Guid.NewGuid()}/redeliver", new { reason = new string('r', maxLength) });
        var pastLimit = await ops.PostAsJsonAsync($"/api/ops/events/{Guid.NewGuid()}/redeliver", new { reason = new string('r', maxLength + 1) });

        Assert.Equal(HttpStatusCode.NotFound, atLimit.StatusCode);
        Assert.True(await RefusedFor(pastLimit, "reason"));
    }

    [Theory]
    [InlineData("/api/deposits", false)]
    [InlineData("/api/ops/deposits", true)]
    [InlineData("/api/ops/payouts", true)]
    public async Task A_list_pages_up_to_its_stated_page_size(string path, bool ops)
    {
        var maximum = Number(await ParameterAsync(path, "pageSize"), "maximum");
        using var caller = api.ClientFor(GatewayScript.NewLabel("page"), ops);

        Assert.Equal(HttpStatusCode.OK, (await caller.GetAsync($"{path}?pageSize={maximum}")).StatusCode);
        Assert.True(await RefusedFor(await caller.GetAsync($"{path}?pageSize={maximum + 1}"), "pageSize"));
    }

    [Fact]
    public async Task An_idempotency_key_is_taken_up_to_its_stated_length()
    {
        var maxLength = (int)Number(await ParameterAsync("/api/deposits", "Idempotency-Key"), "maxLength");
        var label = GatewayScript.NewLabel("key");
        api.Gateway.AnswersCreate(label, GatewayScript.RequisitesBody());
        using var user = api.ClientFor(label);
        HttpRequestMessage Keyed(string key)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/deposits") { Content = JsonContent.Create(new { amount = 300 }) };
            request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
            return request;
        }

        Assert.Equal(HttpStatusCode.Created, (await user.SendAsync(Keyed(new string('k', maxLength)))).StatusCode);
        Assert.True(await RefusedFor(await user.SendAsync(Keyed(new string('k', maxLength + 1))), "Idempotency-Key"));
    }
}
