using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Paykassma.Sandbox.Proofs;

namespace Paykassma.Sandbox.Tests.Control;

public sealed class ControlTests
{
    [Fact]
    public async Task Health_answers_200()
    {
        await using var sandbox = await TestSandbox.StartAsync();

        using var response = await sandbox.Http.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Received_screenshot_is_served_back_byte_for_byte_with_its_content_type()
    {
        await using var sandbox = await TestSandbox.StartAsync();
        var bytes = RandomNumberGenerator.GetBytes(64 * 1024);
        var form = new ProofForm();
        form.Screenshots[0] = (bytes, "receipt.jpg", "image/jpeg");
        (await sandbox.SubmitProofAsync(form)).Dispose();

        using var screenshot = await sandbox.Http.GetAsync($"/sandbox/possible-transactions/{form.CustomTransactionId}/screenshot");

        Assert.Equal(HttpStatusCode.OK, screenshot.StatusCode);
        Assert.Equal("image/jpeg", screenshot.Content.Headers.ContentType?.MediaType);
        Assert.Equal(bytes, await screenshot.Content.ReadAsByteArrayAsync());

        var proof = (await sandbox.FindProofAsync(form.CustomTransactionId))!.Value.GetProperty("screenshot");
        Assert.Equal("receipt.jpg", proof.GetProperty("fileName").GetString());
        Assert.Equal("image/jpeg", proof.GetProperty("contentType").GetString());
        Assert.Equal(bytes.Length, proof.GetProperty("length").GetInt64());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), proof.GetProperty("sha256").GetString());
        Assert.False(proof.TryGetProperty("bytes", out _));
    }

    [Fact]
    public async Task Screenshot_with_an_unusable_content_type_is_served_as_octet_stream()
    {
        await using var sandbox = await TestSandbox.StartAsync();
        var form = new ProofForm();
        var content = form.ToContent();
        // A content type no header parser accepts: stored as sent, but never echoed into a response header.
        var file = content.Last();
        file.Headers.Remove("Content-Type");
        file.Headers.TryAddWithoutValidation("Content-Type", "not a type;;");
        (await sandbox.Http.PostAsync(TestSandbox.PossibleTransactionPath(), content)).Dispose();

        using var screenshot = await sandbox.Http.GetAsync($"/sandbox/possible-transactions/{form.CustomTransactionId}/screenshot");

        Assert.Equal(HttpStatusCode.OK, screenshot.StatusCode);
        Assert.Equal("application/octet-stream", screenshot.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Screenshot_bytes_can_be_left_out_of_memory()
    {
        await using var sandbox = await TestSandbox.StartAsync(new Dictionary<string, string?> { ["Sandbox:KeepScreenshotBytes"] = "false" });
        var form = new ProofForm();
        (await sandbox.SubmitProofAsync(form)).Dispose();

        using var screenshot = await sandbox.Http.GetAsync($"/sandbox/possible-transactions/{form.CustomTransactionId}/screenshot");

        Assert.Equal(HttpStatusCode.NotFound, screenshot.StatusCode);
        var proof = (await sandbox.FindProofAsync(form.CustomTransactionId))!.Value;
        Assert.Equal(
            Convert.ToHexStringLower(SHA256.HashData(ProofForm.PngBytes)),
            proof.GetProperty("screenshot").GetProperty("sha256").GetString());
    }

    [Fact]
    public async Task Unknown_custom_transaction_id_answers_404()
    {
        await using var sandbox = await TestSandbox.StartAsync();

        using var proof = await sandbox.Http.GetAsync("/sandbox/possible-transactions/nope");
        using var screenshot = await sandbox.Http.GetAsync("/sandbox/possible-transactions/nope/screenshot");

        Assert.Equal(HttpStatusCode.NotFound, proof.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, screenshot.StatusCode);
    }

    [Fact]
    public async Task Proofs_are_listed_newest_first_and_clearing_frees_their_ids()
    {
        await using var sandbox = await TestSandbox.StartAsync();
        var forms = Enumerable.Range(1, 3).Select(n => new ProofForm().With("custom_transaction_id", $"order-{n}")).ToArray();
        foreach (var form in forms)
        {
            (await sandbox.SubmitProofAsync(form)).Dispose();
        }

        var listed = await sandbox.ListProofsAsync();
        Assert.Equal(["order-3", "order-2", "order-1"], listed.Select(proof => proof.GetProperty("customTransactionId").GetString()));

        using var cleared = await sandbox.Http.DeleteAsync("/sandbox/possible-transactions");
        Assert.Equal(HttpStatusCode.NoContent, cleared.StatusCode);
        Assert.Empty(await sandbox.ListProofsAsync());

        using var again = await sandbox.SubmitProofAsync(forms[0]);
        Assert.Contains("\"status\":\"success\"", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Listeners_hear_of_accepted_proofs_only()
    {
        var listener = new RecordingListener();
        await using var sandbox = await TestSandbox.StartAsync(
            configure: builder => builder.Services.AddSingleton<IProofAcceptedListener>(listener));
        var accepted = new ProofForm().With("amount", "450");

        (await sandbox.SubmitProofAsync(accepted)).Dispose();
        (await sandbox.SubmitProofAsync(accepted)).Dispose();
        (await sandbox.SubmitProofAsync(new ProofForm().With("key1", "000000000000"))).Dispose();

        var heard = Assert.Single(listener.Proofs);
        Assert.Equal(accepted.CustomTransactionId, heard.CustomTransactionId);
        Assert.Equal("user-42", heard.Label);
        Assert.Equal(450, heard.Amount);
        Assert.Matches("^[0-9]{12}$", heard.TransactionId);
    }

    [Fact]
    public async Task A_failing_listener_does_not_change_the_answer()
    {
        await using var sandbox = await TestSandbox.StartAsync(
            new Dictionary<string, string?> { ["Serilog:MinimumLevel:Default"] = "Fatal" },
            builder => builder.Services.AddSingleton<IProofAcceptedListener>(new ThrowingListener()));

        using var response = await sandbox.SubmitProofAsync(new ProofForm());

        Assert.Contains("\"status\":\"success\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Control_listing_shows_enum_values_as_lower_case_words()
    {
        await using var sandbox = await TestSandbox.StartAsync();
        (await sandbox.SubmitProofAsync(new ProofForm())).Dispose();

        var proof = Assert.Single(await sandbox.ListProofsAsync());

        Assert.Equal(JsonValueKind.String, proof.GetProperty("outcome").ValueKind);
        Assert.Equal("accepted", proof.GetProperty("outcome").GetString());
    }

    private sealed class RecordingListener : IProofAcceptedListener
    {
        private readonly List<ReceivedProof> _proofs = [];

        public IReadOnlyList<ReceivedProof> Proofs
        {
            get
            {
                lock (_proofs)
                {
                    return _proofs.ToArray();
                }
            }
        }

        public ValueTask OnProofAcceptedAsync(ReceivedProof proof, CancellationToken cancellationToken)
        {
            lock (_proofs)
            {
                _proofs.Add(proof);
            }

            return ValueTask.CompletedTask;
        }
    }

    private sealed class ThrowingListener : IProofAcceptedListener
    {
        public ValueTask OnProofAcceptedAsync(ReceivedProof proof, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("listener broke");
    }
}
