using System;

namespace KinesisVideoWebRTCStorage.Tests.WebRtc.Srtp
{
    /// <summary>Builds something while an AppContext switch is on (SRTP reads its switches when a session or HMAC is made).</summary>
    internal static class AppContextSwitch
    {
        public static T While<T>(string name, Func<T> create)
        {
            AppContext.SetSwitch(name, true);
            try
            {
                return create();
            }
            finally
            {
                AppContext.SetSwitch(name, false);
            }
        }
    }
}
