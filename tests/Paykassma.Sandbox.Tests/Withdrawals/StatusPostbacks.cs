using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Paykassma.PluginApi.Postbacks;
using Paykassma.Sandbox.Tests.Postbacks;

namespace Paykassma.Sandbox.Tests.Withdrawals;

/// <summary>Reading withdrawal status postbacks as a merchant would, and the withdrawal control calls.</summary>
internal static class StatusPostbacks
{
    public static Task<PostbackSandbox> StartAsync(params (string Key, string? Value)[] settings) =>
        PostbackSandbox.StartAsync(WithdrawalSandboxExtensions.Settings(settings));

    /// <summary>The one signed item, after checking that the postback verifies with the merchant's keys.</summary>
    public static SignedTransaction VerifiedItem(this PostbackSandbox sandbox, ReceivedPostback postback)
    {
        var parsed = PostbackSandbox.Parse(postback.Body);
        var verification = sandbox.Verifier.Verify(parsed);
        Assert.True(verification.IsVerified, verification.RejectReason);
        return parsed.Transactions.Single();
    }

    /// <summary>The signed statuses in the order they arrived (resends included), each verified.</summary>
    public static int[] StatusesInArrivalOrder(this PostbackSandbox sandbox, IEnumerable<ReceivedPostback> received) =>
        received.Select(postback => sandbox.VerifiedItem(postback).WithdrawalStatus!.Value).ToArray();

    /// <summary>The <c>transaction_id</c> of the item as written on the wire: its JSON kind and text.</summary>
    public static JsonElement RawTransactionId(ReceivedPostback postback)
    {
        using var document = JsonDocument.Parse(postback.Body);
        return document.RootElement.GetProperty("additional_data")[0].GetProperty("transaction_id").Clone();
    }

    /// <summary>The bytes the signature covers, as the merchant's parser re-encodes them.</summary>
    public static string SignedJson(ReceivedPostback postback) => Encoding.UTF8.GetString(PostbackSandbox.Parse(postback.Body).SignedJson.Span);

    public static async Task<(int Status, JsonElement Body)> SettleAsync(this PostbackSandbox sandbox, string withdrawalId, object request)
    {
        using var response = await sandbox.Http.PostAsJsonAsync($"/sandbox/withdrawals/{Uri.EscapeDataString(withdrawalId)}/settle", request);
        return ((int)response.StatusCode, await BodyAsync(response));
    }

    public static async Task<(int Status, JsonElement Body)> RedeliverAsync(this PostbackSandbox sandbox, string withdrawalId, string? body = null)
    {
        using var content = body is null ? null : new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await sandbox.Http.PostAsync($"/sandbox/withdrawals/{Uri.EscapeDataString(withdrawalId)}/redeliver", content);
        return ((int)response.StatusCode, await BodyAsync(response));
    }

    public static async Task<JsonElement> WithdrawalAsync(this PostbackSandbox sandbox, string withdrawalId) =>
        (await sandbox.Sandbox.FindWithdrawalAsync(withdrawalId))!.Value;

    /// <summary>Polls the withdrawal until it has reported <paramref name="count"/> statuses.</summary>
    public static async Task<JsonElement> WaitForSettlementsAsync(this PostbackSandbox sandbox, string withdrawalId, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var withdrawal = await sandbox.WithdrawalAsync(withdrawalId);
            if (withdrawal.GetProperty("settlements").GetArrayLength() >= count)
            {
                return withdrawal;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Withdrawal {withdrawalId} reported fewer than {count} statuses: {withdrawal}");
            }

            await Task.Delay(20);
        }
    }

    private static async Task<JsonElement> BodyAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }
}
