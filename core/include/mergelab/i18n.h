#pragma once
// Text shown to people is marked where it is written, so Qt's lupdate
// collects it for translation; the app translates it in the context
// "mergelab" (ui/i18n.h). The core stays English and free of Qt: the mark
// expands to the text itself, exactly as Qt's own definition does.
#ifndef QT_TRANSLATE_NOOP
#define QT_TRANSLATE_NOOP(scope, x) x
#endif
