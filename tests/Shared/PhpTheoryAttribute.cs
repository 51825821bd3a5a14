using System.Runtime.CompilerServices;

namespace Paykassma.Tests.Shared;

/// <summary>
/// A theory that needs <c>php</c>. It is skipped only where php-cli cannot be installed (no apt-get),
/// and then says so in its very name, because a console run lists skipped tests without their reason.
/// Where apt-get exists, a missing php fails the test instead, so CI cannot lose the comparison unseen.
/// </summary>
public sealed class PhpTheoryAttribute : TheoryAttribute
{
    public PhpTheoryAttribute([CallerMemberName] string testName = "")
    {
        if (PhpCli.Executable is null && !PhpCli.CanBeInstalled)
        {
            const string Reason = "php is not installed and there is no apt-get to install php-cli, so PhpJson was NOT compared "
                + "with PHP's json_encode. Install PHP (php on PATH) to run it.";
            DisplayName = $"NOT RUN {testName}: {Reason}";
            Skip = Reason;
        }
    }
}
