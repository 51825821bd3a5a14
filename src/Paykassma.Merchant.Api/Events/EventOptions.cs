using Microsoft.Extensions.Options;
using Paykassma.Merchant.Api.Dispatching;

namespace Paykassma.Merchant.Api.Events;

/// <summary>Where money events go and how they are signed (<c>Events</c> section).</summary>
public sealed class EventOptions
{
    public const string SectionName = "Events";

    /// <summary>The ledger's webhook endpoint. Without it events are still written (the outbox) and wait, pending.</summary>
    public Uri? WebhookUrl { get; set; }

    /// <summary>The Standard Webhooks signing secret, <c>whsec_</c> + base64. A credential: never logged.</summary>
    public string WebhookSecret { get; set; } = "";

    /// <summary>How long one delivery may take (connect, send, answer) before it counts as failed.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The delivery schedule; give-up after MaxAttempts leaves the event <c>failed</c> for ops.</summary>
    public DispatcherOptions Dispatcher { get; set; } = new() { MaxAttempts = 200, MaxDelay = TimeSpan.FromMinutes(5) };
}

internal sealed class EventOptionsValidator : IValidateOptions<EventOptions>
{
    public ValidateOptionsResult Validate(string? name, EventOptions options)
    {
        var failures = new List<string>(options.Dispatcher.Problems("Events:Dispatcher"));
        if (options.WebhookUrl is { } url && (!url.IsAbsoluteUri || url.Scheme is not ("http" or "https")))
        {
            failures.Add("Events:WebhookUrl must be an absolute http or https URL.");
        }
        if (options.WebhookUrl is not null && !WebhookSignature.IsValidSecret(options.WebhookSecret))
        {
            failures.Add("Events:WebhookSecret is required with Events:WebhookUrl: 'whsec_' followed by base64 of 24 to 64 bytes.");
        }
        if (options.Timeout <= TimeSpan.Zero || options.Timeout >= options.Dispatcher.Lease)
        {
            failures.Add("Events:Timeout must be positive and shorter than Events:Dispatcher:Lease.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
