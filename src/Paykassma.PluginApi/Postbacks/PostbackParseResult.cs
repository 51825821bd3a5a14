using System.Diagnostics.CodeAnalysis;

namespace Paykassma.PluginApi.Postbacks;

/// <summary>Either a <see cref="ParsedPostback"/> or a <see cref="PostbackParseFailure"/>, never both.</summary>
public sealed record PostbackParseResult
{
    private PostbackParseResult(ParsedPostback? postback, PostbackParseFailure? failure)
    {
        Postback = postback;
        Failure = failure;
    }

    public ParsedPostback? Postback { get; }

    public PostbackParseFailure? Failure { get; }

    [MemberNotNullWhen(true, nameof(Postback))]
    [MemberNotNullWhen(false, nameof(Failure))]
    public bool IsSuccess => Postback is not null;

    public static PostbackParseResult Success(ParsedPostback postback)
    {
        ArgumentNullException.ThrowIfNull(postback);
        return new(postback, null);
    }

    public static PostbackParseResult Fail(string reason, string message) => Fail(new PostbackParseFailure(reason, message));

    public static PostbackParseResult Fail(PostbackParseFailure failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return new(null, failure);
    }
}
