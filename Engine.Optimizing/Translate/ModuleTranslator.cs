using Hoist.Optimizing.Ir;
using Hoist.Vm;
using Hoist.Wasm.Validation;

namespace Hoist.Optimizing.Translate;

/// <summary>Translates every function a module defines (after module-level validation), in order, on this thread.</summary>
public static class ModuleTranslator
{
    public static Function[] TranslateAll(ModuleContext context, VmOffsets offsets)
    {
        var env = new ModuleEnvironment(context, offsets);
        var translator = new FunctionTranslator(env);
        var result = new Function[context.Module.Code.Count];
        for (int i = 0; i < result.Length; i++) result[i] = translator.Translate(i);
        return result;
    }
}
