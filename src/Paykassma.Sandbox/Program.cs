using Microsoft.Extensions.Options;

namespace Paykassma.Sandbox;

internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        await using var app = SandboxApp.Build(args);
        try
        {
            await app.RunAsync();
            return 0;
        }
        catch (OptionsValidationException exception)
        {
            // A missing setting is a person's typo, not a crash: say which key, without a stack trace.
            await Console.Error.WriteLineAsync($"Sandbox settings are invalid: {string.Join(" ", exception.Failures)}");
            return 1;
        }
    }
}
