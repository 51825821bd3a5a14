namespace Paykassma.PluginApi.Postbacks;

/// <summary>
/// Tells a body that is too deeply nested from one that is otherwise broken, after System.Text.Json has
/// refused it: its exception does not say which, and the two deserve different reasons for ops.
/// </summary>
internal static class JsonNesting
{
    public static bool Exceeds(ReadOnlySpan<byte> json, int maxDepth)
    {
        var depth = 0;
        var inString = false;
        var afterBackslash = false;
        foreach (var b in json)
        {
            if (inString)
            {
                if (afterBackslash)
                {
                    afterBackslash = false;
                }
                else if (b == (byte)'\\')
                {
                    afterBackslash = true;
                }
                else if (b == (byte)'"')
                {
                    inString = false;
                }

                continue;
            }

            switch (b)
            {
                case (byte)'"':
                    inString = true;
                    break;
                case (byte)'[' or (byte)'{':
                    if (++depth > maxDepth)
                    {
                        return true;
                    }

                    break;
                case (byte)']' or (byte)'}':
                    depth--;
                    break;
            }
        }

        return false;
    }
}
