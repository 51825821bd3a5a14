using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;
using Serilog.Settings.Configuration;

namespace Paykassma.Merchant.Api.Hosting;

internal static class LoggingExtensions
{
    /// <summary>
    /// Serilog for everything: readable lines in Development, one JSON object per line elsewhere
    /// (with trace and span ids) for log search. Levels and overrides come from the <c>Serilog</c>
    /// configuration section. Events also reach other registered providers so tests can capture them.
    /// Each host keeps its own logger (never the static one), so two instances in one test process
    /// do not write into each other's logs.
    /// </summary>
    public static WebApplicationBuilder AddMerchantLogging(this WebApplicationBuilder builder)
    {
        builder.Logging.ClearProviders();
        var readable = builder.Environment.IsDevelopment();
        builder.Services.AddSerilog((services, logger) =>
        {
            logger
                .MinimumLevel.Information()
                .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
                .MinimumLevel.Override("Microsoft.EntityFrameworkCore", LogEventLevel.Warning)
                .MinimumLevel.Override("System.Net.Http.HttpClient", LogEventLevel.Warning)
                // Polly reports every attempt at Information; our client logs one line per call.
                .MinimumLevel.Override("Polly", LogEventLevel.Warning)
                // The sink assemblies named up front: without them Serilog scans every dependency of
                // the app for "Serilog*" assemblies at start-up and loads them all (start-up time: bench/README.md).
                .ReadFrom.Configuration(builder.Configuration, new ConfigurationReaderOptions(
                    typeof(ConsoleLoggerConfigurationExtensions).Assembly, typeof(FileLoggerConfigurationExtensions).Assembly))
                .ReadFrom.Services(services)
                .Enrich.FromLogContext()
                .Enrich.WithProperty("Application", "paykassma-merchant");
            if (readable)
            {
                logger.WriteTo.Console(outputTemplate:
                    "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}");
            }
            else
            {
                logger.WriteTo.Sink(new StandardOutputSink(new RenderedCompactJsonFormatter(), StandardOutput.Value));
            }
        }, preserveStaticLogger: true, writeToProviders: true);
        return builder;
    }

    /// <summary>The process's standard output, opened once: every host in a process writes its lines through it.</summary>
    private static readonly Lazy<Stream> StandardOutput = new(Console.OpenStandardOutput);

    private static readonly object LoggedByEndpoint = new();

    /// <summary>
    /// This request's one line is the endpoint's own, and says more than the request line would (a stored
    /// postback: its outcome, items and time): the request line is then written at Debug, not beside it.
    /// The busiest route logs one line per request, not two; a 5xx or an exception is still logged as an error.
    /// </summary>
    public static void MarkLoggedByEndpoint(this HttpContext http) => http.Items[LoggedByEndpoint] = true;

    /// <summary>
    /// One line per request: method, path (never the query), status, time, user-agent-free; or the
    /// endpoint's own line instead (<see cref="MarkLoggedByEndpoint"/>).
    /// </summary>
    public static IApplicationBuilder UseMerchantRequestLogging(this IApplicationBuilder app) =>
        app.UseSerilogRequestLogging(options =>
        {
            // This host's logger: the static one is deliberately left alone (see AddMerchantLogging).
            options.Logger = app.ApplicationServices.GetRequiredService<Serilog.ILogger>();
            options.MessageTemplate = "HTTP {RequestMethod} {RequestPath} responded {StatusCode} in {Elapsed:0.0} ms";
            options.GetLevel = (http, _, exception) =>
                exception is not null || http.Response.StatusCode >= 500 ? LogEventLevel.Error
                : http.Request.Path.StartsWithSegments("/health") ? LogEventLevel.Verbose
                : http.Items.ContainsKey(LoggedByEndpoint) ? LogEventLevel.Debug
                : LogEventLevel.Information;
        });
}
