namespace Paykassma.PluginApi.Postbacks;

/// <param name="Reason">A stable snake_case code from <see cref="PostbackParseReasons"/>, fit for metrics and storage.</param>
/// <param name="Message">A sentence for a human; it never quotes the body.</param>
public sealed record PostbackParseFailure(string Reason, string Message);
