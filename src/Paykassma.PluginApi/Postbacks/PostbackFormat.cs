namespace Paykassma.PluginApi.Postbacks;

public enum PostbackFormat
{
    /// <summary>Signed list in <c>additional_data</c>; envelope carries <c>direction</c>, <c>amount</c>, ….</summary>
    Current,

    /// <summary>Older accounts: signed list in <c>transactions</c>, envelope carries <c>stockpiling</c>.</summary>
    Legacy,
}
