// ICU transliterator rules folding Pashto, Sindhi and other Arabic-script
// letters to Urdu ones (src/names/rules/arabic_script_to_urdu.txt), compiled
// into the library by CMake.
#ifndef LIAISON_NAMES_ARABIC_SCRIPT_RULES_DATA_H_
#define LIAISON_NAMES_ARABIC_SCRIPT_RULES_DATA_H_

namespace liaison::names {
extern const char kArabicScriptToUrduRules[];
}  // namespace liaison::names

#endif  // LIAISON_NAMES_ARABIC_SCRIPT_RULES_DATA_H_
