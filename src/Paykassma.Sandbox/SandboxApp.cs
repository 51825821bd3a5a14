using Paykassma.Sandbox.Ledger;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Paykassma.Sandbox.Control;
using Paykassma.Sandbox.Deposits;
using Paykassma.Sandbox.Faults;
using Paykassma.Sandbox.Gateway;
using Paykassma.Sandbox.Postbacks;
using Paykassma.Sandbox.Proofs;
using Paykassma.Sandbox.Window;
using Paykassma.Sandbox.Withdrawals;
using Serilog;
using Serilog.Events;

namespace Paykassma.Sandbox;

/// <summary>
/// Builds the sandbox gateway. A static builder rather than top-level statements, so tests can host it
/// in-process next to a web API whose own <c>Program</c> is top-level, without the two colliding.
/// </summary>
public static class SandboxApp
{
    /// <param name="args">Command-line arguments, as for any ASP.NET Core host.</param>
    /// <param name="configure">
    /// Runs after the sandbox's own registrations: add configuration (e.g. an in-memory <c>Sandbox:Secret</c>),
    /// replace services (a fake <see cref="TimeProvider"/>) or add an <see cref="IProofAcceptedListener"/>
    /// (the postback listener is registered already; remove it to keep proofs from causing postbacks).
    /// </param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        AddSandbox(builder);
        configure?.Invoke(builder);

        var app = builder.Build();
        // The sandbox's own logger, not the static one: with preserveStaticLogger the static one stays silent.
        // Request lines carry the path only, never the query string with the secret.
        app.UseSerilogRequestLogging(logging => logging.Logger = app.Services.GetRequiredService<Serilog.ILogger>());
        app.MapGatewayApi();
        app.MapControlApi();
        app.MapPostbacksApi();
        app.MapWithdrawalsControlApi();
        app.MapLedger();
        app.MapPaymentWindow();
        app.MapHealthChecks("/health");
        return app;
    }

    private static void AddSandbox(WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<SandboxOptions>()
            .BindConfiguration(SandboxOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(
                options => !options.ExtraParams.Keys.Intersect(SandboxOptions.KnownParamKeys).Any(),
                "Sandbox:ExtraParams must not repeat a known key ('Wallet number', 'Account name', 'is_check_amount').")
            .ValidateOnStart();

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ProofStore>();
        builder.Services.AddSingleton<DepositRequestLog>();
        builder.Services.AddSingleton<FaultSwitch>();
        builder.Services.AddPostbacks();
        builder.Services.AddWithdrawals();
        builder.Services.AddSingleton<Ledger.LedgerBook>();
        builder.Services.AddSingleton<WindowPayments>();

        builder.Services.AddProblemDetails();
        // Development would otherwise throw on a malformed control request and log it as a 500:
        // a bad body is the caller's mistake and gets a plain 400 in every environment.
        builder.Services.Configure<RouteHandlerOptions>(routing => routing.ThrowOnBadRequest = false);
        builder.Services.AddHealthChecks();
        builder.Services.ConfigureHttpJsonOptions(json =>
            json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase)));

        // preserveStaticLogger: tests run several sandboxes in one process; none may own the global logger.
        builder.Services.AddSerilog(
            (services, logger) => logger
                .MinimumLevel.Information()
                // Kestrel's "Request starting" lines print the whole URL, secret included: keep them out.
                .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
                .ReadFrom.Configuration(builder.Configuration)
                .ReadFrom.Services(services)
                .Enrich.FromLogContext()
                .WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{NewLine}{Exception}"),
            preserveStaticLogger: true);
    }
}
