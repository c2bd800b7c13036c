namespace Hoist.Runtime.Native;

/// <summary>
/// The lowest address of the current thread's stack (stacks grow down), from pthread_getattr_np; cached
/// per thread. 0 when it cannot be known, in which case no floor applies.
/// </summary>
internal static unsafe class ThreadStack
{
    [ThreadStatic] static nint t_low;
    [ThreadStatic] static bool t_known;

    public static nint Low
    {
        get
        {
            if (!t_known)
            {
                t_low = Query();
                t_known = true;
            }
            return t_low;
        }
    }

    static nint Query()
    {
        byte* attr = stackalloc byte[128];  // pthread_attr_t is 56 bytes on x86-64 glibc; leave room
        try
        {
            if (Libc.pthread_getattr_np(Libc.pthread_self(), (nint)attr) != 0) return 0;
            int rc = Libc.pthread_attr_getstack((nint)attr, out nint addr, out _);
            Libc.pthread_attr_destroy((nint)attr);
            return rc == 0 ? addr : 0;
        }
        catch (EntryPointNotFoundException) { return 0; }
        catch (DllNotFoundException) { return 0; }
    }
}
