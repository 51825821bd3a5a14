using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Paykassma.Drills.Tests.Infrastructure;

/// <summary>The frontend's and the ops console's calls to the service, as plain HTTP.</summary>
public static class MerchantCalls
{
    public static async Task<Guid> CreateDepositAsync(HttpClient user, int amount = 300)
    {
        using var answer = await user.PostAsJsonAsync("/api/deposits", new { amount });
        Assert.True(answer.StatusCode == HttpStatusCode.Created, $"create deposit: HTTP {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync()}");
        return (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    /// <summary>Uploads a proof; returns the HTTP status and the answer's JSON (a proof, or a problem).</summary>
    public static async Task<(HttpStatusCode Status, JsonElement Body)> UploadProofAsync(
        HttpClient user, Guid depositId, string transactionNumber, int amount = 300, string? idempotencyKey = null)
    {
        using var form = new MultipartFormDataContent();
        form.Add(new StringContent(transactionNumber), "transactionNumber");
        form.Add(new StringContent(amount.ToString(System.Globalization.CultureInfo.InvariantCulture)), "amount");
        var screenshot = new ByteArrayContent(Png(seed: transactionNumber.GetHashCode(StringComparison.Ordinal)));
        screenshot.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(screenshot, "screenshot", "payment.png");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/deposits/{depositId}/proof") { Content = form };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }
        using var answer = await user.SendAsync(request);
        var text = await answer.Content.ReadAsStringAsync();
        return (answer.StatusCode, text.Length > 0 ? JsonDocument.Parse(text).RootElement.Clone() : default);
    }

    /// <summary>All proofs the ops API lists (up to 200), optionally of one status.</summary>
    public static async Task<List<JsonElement>> OpsProofsAsync(HttpClient ops, string? status = null)
    {
        var query = status is null ? "" : "&status=" + status;
        var page = await ops.GetFromJsonAsync<JsonElement>($"/api/ops/proofs?pageSize=200{query}");
        return page.GetProperty("items").EnumerateArray().ToList();
    }

    /// <summary>A small PNG-looking file (the service checks the content's magic bytes).</summary>
    public static byte[] Png(int size = 2048, int seed = 1)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        byte[] magic = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        magic.CopyTo(bytes, 0);
        return bytes;
    }

    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, TimeSpan? pause = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var value = await probe();
            if (done(value) || DateTime.UtcNow > deadline)
            {
                return value;
            }
            await Task.Delay(pause ?? TimeSpan.FromMilliseconds(100));
        }
    }
}
