using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Hosting;

namespace KinesisVideoWebRTCStorage.Emulator
{
    /// <summary>
    /// The emulator is a server embedded in a host (kvwebrtc, the demo, tests) that decides when it stops: ASP.NET
    /// Core's default console lifetime would take SIGTERM and Ctrl+C for itself and stop Kestrel behind the host's back.
    /// </summary>
    internal sealed class EmbeddedHostLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
