// The Urdu->Latin model table (src/names/data/urdu_latin_model.tsv), compiled
// into the library by CMake. Derived from the Dakshina lexicon, CC BY-SA 4.0.
#ifndef LIAISON_NAMES_URDU_LATIN_MODEL_DATA_H_
#define LIAISON_NAMES_URDU_LATIN_MODEL_DATA_H_

namespace liaison::names {
extern const char kUrduLatinModelTable[];
}  // namespace liaison::names

#endif  // LIAISON_NAMES_URDU_LATIN_MODEL_DATA_H_
