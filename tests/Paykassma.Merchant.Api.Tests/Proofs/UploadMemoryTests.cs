using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Paykassma.Merchant.Api.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Paykassma.Merchant.Api.Tests.Proofs;

/// <summary>
/// A 5 MB screenshot must stream through the service (client → temp file → PostgreSQL, temp file →
/// gateway), not be copied into memory whole. The service runs on Kestrel and the gateway is a sink
/// that discards what it reads, so nearly every byte allocated in this process is the service's.
/// </summary>
[Collection(MemoryCollection.Name)]
public sealed class UploadMemoryTests(ITestOutputHelper output)
{
    private const int FiveMegabytes = 5 * 1024 * 1024;

    [Fact]
    public async Task A_5_MB_upload_allocates_less_than_half_a_copy_of_the_file()
    {
        await using var gateway = await SinkGateway.StartAsync();
        await using var api = new MerchantApiFactory();
        await api.InitializeAsync();
        api.With("Paykassma:ApiBaseUrl", gateway.Url);
        api.UseKestrel(0);
        api.StartServer();
        var label = GatewayScript.NewLabel("memory");
        // No redirect handler: WebApplicationFactory's would buffer every request body to replay it.
        using var client = api.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = api.ClientOptions.BaseAddress });
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", TestTokens.For(label));
        var deposit = await client.PostAsJsonAsync("/api/deposits", new { amount = 300 });
        var depositId = (await deposit.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var file = Path.GetTempFileName();
        await File.WriteAllBytesAsync(file, ProofScript.Png(FiveMegabytes, seed: 3));
        try
        {
            // Warm up every code path once, with a file of the same size, so JIT and pools are not measured.
            Assert.Equal(HttpStatusCode.Accepted, (await client.UploadAsync(depositId,
                ProofScript.Form("111111111111", screenshot: await File.ReadAllBytesAsync(file)))).StatusCode);

            GC.Collect();
            GC.WaitForPendingFinalizers();
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
            long peakHeap = heapBefore;
            using var sampling = new CancellationTokenSource();
            var sampler = Task.Run(async () =>
            {
                while (!sampling.IsCancellationRequested)
                {
                    peakHeap = Math.Max(peakHeap, GC.GetTotalMemory(false));
                    await Task.Delay(2);
                }
            });

            HttpResponseMessage response;
            await using (var stream = File.OpenRead(file))
            {
                using var form = new MultipartFormDataContent
                {
                    { new StringContent("222222222222"), "transactionNumber" },
                    { new StringContent("300"), "amount" },
                };
                var screenshot = new StreamContent(stream, 64 * 1024);
                screenshot.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("image/png");
                form.Add(screenshot, "screenshot", "big.png");
                response = await client.UploadAsync(depositId, form);
            }
            await sampling.CancelAsync();
            await sampler;
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            Assert.Equal("forwarded", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
            Assert.Equal(FiveMegabytes, gateway.LargestScreenshotBody, 64 * 1024.0);
            Assert.Equal(FiveMegabytes, await api.ScalarAsync<long>(
                "SELECT length(s.data) FROM proof_screenshots s JOIN proofs p ON p.id = s.proof_id WHERE p.transaction_number = '222222222222' AND p.deposit_id = @d",
                ("d", depositId)));
            output.WriteLine($"5 MB upload: {allocated / 1024.0 / 1024:0.00} MB allocated in the process, " +
                             $"peak managed heap {(peakHeap - heapBefore) / 1024.0 / 1024:0.00} MB above the start");
            // Measured alone it is about 0.5 MB: no whole copy of the file is made anywhere.
            Assert.True(allocated < FiveMegabytes / 2, $"allocated {allocated:N0} bytes for a {FiveMegabytes:N0}-byte upload");
            Assert.True(peakHeap - heapBefore < FiveMegabytes / 2, $"the managed heap grew {peakHeap - heapBefore:N0} bytes");
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>A gateway that reads each upload to the end without keeping it, and answers success.</summary>
    private sealed class SinkGateway : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private SinkGateway(WebApplication app) => _app = app;

        public string Url => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        public long LargestScreenshotBody { get; private set; }

        public static async Task<SinkGateway> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = null);
            var app = builder.Build();
            var sink = new SinkGateway(app);
            app.MapPost("/api/v1/transaction/create/bnb_ml", () => Results.Text(GatewayScript.RequisitesBody(), "application/json"));
            app.MapPost("/api/v1/possible-transaction", async (HttpRequest request) =>
            {
                var buffer = new byte[16 * 1024];
                long total = 0;
                int read;
                while ((read = await request.Body.ReadAsync(buffer)) > 0)
                {
                    total += read;
                }
                sink.LargestScreenshotBody = Math.Max(sink.LargestScreenshotBody, total);
                return Results.Text(ProofScript.SuccessBody, "application/json");
            });
            await app.StartAsync();
            return sink;
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}

/// <summary>Process-wide allocation counts are only meaningful with no other test running.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryCollection
{
    public const string Name = "memory";
}
