using System.Net;
using System.Net.Http.Json;
using Paykassma.Sandbox.Withdrawals;
using Paykassma.Tests.Shared;

namespace Paykassma.Merchant.Api.Tests.Infrastructure;

/// <summary>
/// The kit's process side (tests/Shared: AppBinaries, AppHost, ChildProcess) outside the drills that
/// grew it: the sandbox this test run built, started as a real process from this project, configured
/// through its environment, and gone when its host is disposed.
/// </summary>
public sealed class KitProcessTests
{
    [Fact]
    public async Task The_sandbox_started_as_a_process_through_the_kit_answers_health_with_its_settings_and_ends_with_its_host()
    {
        var logs = Directory.CreateTempSubdirectory("merchant-kit-process-");
        try
        {
            var host = new AppHost("sandbox", AppBinaries.Sandbox, OsProcesses.FreePort(), "/health", new Dictionary<string, string>
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["Sandbox__Secret"] = "kit-process-test-secret",
                ["Sandbox__WithdrawalBalance"] = "4321",
            }, logs.FullName);
            using var client = new HttpClient { BaseAddress = new Uri(host.BaseUrl), Timeout = TimeSpan.FromSeconds(10) };
            ChildProcess run;
            await using (host)
            {
                await host.StartAsync(TimeSpan.FromSeconds(60));
                run = host.Current!;

                using var health = await client.GetAsync("/health");
                Assert.Equal(HttpStatusCode.OK, health.StatusCode);
                // A setting given to the host reached the process (appsettings.json says 10000000).
                var balance = await client.GetFromJsonAsync<WithdrawalBalance>("/sandbox/withdrawal-balance");
                Assert.Equal(4321, balance!.Balance);
                Assert.False(run.HasExited);
            }

            Assert.True(run.HasExited, "the sandbox process outlived its host");
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => client.GetAsync("/health"));
            Assert.True(new FileInfo(run.LogPath).Length > 0, $"nothing in the run's log {run.LogPath}");
        }
        finally
        {
            logs.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_process_stopped_through_the_kit_shuts_down_on_its_own_terms_before_any_kill()
    {
        var logs = Directory.CreateTempSubdirectory("merchant-kit-process-");
        try
        {
            await using var host = new AppHost("sandbox", AppBinaries.Sandbox, OsProcesses.FreePort(), "/health", new Dictionary<string, string>
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["Sandbox__Secret"] = "kit-process-test-secret",
            }, logs.FullName);
            await host.StartAsync(TimeSpan.FromSeconds(60));
            var run = host.Current!;

            // SIGTERM (what the bench's stop is): the app's host shuts down and the process exits 0;
            // a SIGKILL would end it with 137 and no shutdown line.
            await host.StopAsync(TimeSpan.FromSeconds(30));

            Assert.True(run.HasExited);
            Assert.Equal(0, run.ExitCode);
            Assert.Contains("Application is shutting down", run.Output, StringComparison.Ordinal);
        }
        finally
        {
            logs.Delete(recursive: true);
        }
    }
}
