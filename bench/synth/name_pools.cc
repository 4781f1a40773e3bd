#include "name_pools.h"

#include <cmath>
#include <cstdint>
#include <deque>
#include <string>

namespace liaison::synth {
namespace {

const std::vector<PoolName>& PkMale() {
  static const auto* v = new std::vector<PoolName>{
      {"علی", {"Ali", "Aly"}, 40},
      {"احمد", {"Ahmad", "Ahmed"}, 30},
      {"حسین", {"Hussain", "Husain", "Hussein", "Hossain"}, 20},
      {"حسن", {"Hassan", "Hasan"}, 15},
      {"آصف", {"Asif", "Aasif"}, 10},
      {"عمران", {"Imran", "Imraan"}, 10},
      {"عرفان", {"Irfan", "Irfaan"}, 7},
      {"کامران", {"Kamran", "Kamraan"}, 6},
      {"ندیم", {"Nadeem", "Nadim"}, 7},
      {"نوید", {"Naveed", "Navid", "Naveid"}, 7},
      {"طارق", {"Tariq", "Tarik", "Tareq"}, 9},
      {"زاہد", {"Zahid", "Zaheed"}, 7},
      {"شاہد", {"Shahid", "Shaheed"}, 8},
      {"خالد", {"Khalid", "Khaled"}, 8},
      {"راشد", {"Rashid", "Rasheed"}, 7},
      {"ساجد", {"Sajid", "Sajjid"}, 6},
      {"عامر", {"Amir", "Aamir", "Aamer"}, 7},
      {"بلال", {"Bilal", "Bilaal"}, 7},
      {"عثمان", {"Usman", "Osman", "Usmaan"}, 8},
      {"عمر", {"Umar", "Umer", "Omar"}, 8},
      {"فاروق", {"Farooq", "Farooque", "Faruq"}, 7},
      {"اشرف", {"Ashraf", "Ashref"}, 7},
      {"رفیق", {"Rafiq", "Rafique", "Rafeeq"}, 6},
      {"یوسف", {"Yousaf", "Yusuf", "Yousuf"}, 6},
      {"ابراہیم", {"Ibrahim", "Ibraheem"}, 4},
      {"اسماعیل", {"Ismail", "Ismaeel", "Ismael"}, 4},
      {"نواز", {"Nawaz", "Nawaaz"}, 7},
      {"ریاض", {"Riaz", "Riyaz"}, 6},
      {"اعجاز", {"Ijaz", "Ejaz", "Aijaz"}, 5},
      {"الیاس", {"Ilyas", "Ilyaas", "Elias"}, 4},
      {"سلیم", {"Saleem", "Salim"}, 7},
      {"شفیق", {"Shafiq", "Shafique", "Shafeeq"}, 4},
      {"شریف", {"Sharif", "Shareef"}, 5},
      {"ظفر", {"Zafar", "Zafer"}, 5},
      {"حیدر", {"Haider", "Hyder", "Haidar"}, 5},
      {"حمید", {"Hameed", "Hamid"}, 5},
      {"سعید", {"Saeed", "Sayeed", "Saeid"}, 6},
      {"مسعود", {"Masood", "Masud", "Masoud"}, 4},
      {"محمود", {"Mehmood", "Mahmood", "Mahmud"}, 8},
      {"مشتاق", {"Mushtaq", "Mushtak"}, 4},
      {"جاوید", {"Javed", "Javaid", "Jawed"}, 9},
      {"اسلم", {"Aslam", "Aslem"}, 9},
      {"اکرم", {"Akram", "Akrem"}, 8},
      {"انور", {"Anwar", "Anwer"}, 8},
      {"ارشد", {"Arshad", "Arshed"}, 8},
      {"بشیر", {"Bashir", "Basheer"}, 6},
      {"نذیر", {"Nazir", "Nazeer"}, 5},
      {"منیر", {"Munir", "Muneer"}, 4},
      {"قادر", {"Qadir", "Qader", "Kadir"}, 3},
      {"صادق", {"Sadiq", "Sadique"}, 3},
      {"رسول", {"Rasool", "Rasul"}, 4},
      {"جمیل", {"Jamil", "Jameel"}, 3},
      {"کریم", {"Karim", "Kareem"}, 3},
      {"اقبال", {"Iqbal", "Iqbaal", "Ikbal"}, 12},
      {"وسیم", {"Waseem", "Wasim"}, 5},
      {"نعیم", {"Naeem", "Naim"}, 4},
      {"فہیم", {"Faheem", "Fahim"}, 3},
      {"ذیشان", {"Zeeshan", "Zishan"}, 4},
      {"فیصل", {"Faisal", "Faysal"}, 5},
      {"زبیر", {"Zubair", "Zubeir"}, 4},
      {"حمزہ", {"Hamza", "Hamzah"}, 5},
      {"سلمان", {"Salman", "Salmaan"}, 4},
      {"رضوان", {"Rizwan", "Rizwaan"}, 4},
      {"عدنان", {"Adnan", "Adnaan"}, 3},
      {"شہباز", {"Shahbaz", "Shehbaz"}, 3},
      {"ذوالفقار", {"Zulfiqar", "Zulfikar"}, 3},
      {"غلام", {"Ghulam", "Gulam"}, 10},
      {"عبدالرحمن", {"Abdul Rehman", "Abdur Rahman", "Abdul Rahman", "Abd al-Rahman"}, 5},
      {"عبداللہ", {"Abdullah", "Abdulla"}, 6},
      {"ضیاءالحق", {"Zia ul Haq", "Zia-ul-Haq", "Ziaulhaq"}, 2},
      {"نصیرالدین", {"Nasir ud Din", "Nasir-ud-Din", "Nasiruddin"}, 2},
      {"ثناءاللہ", {"Sanaullah", "Sana Ullah"}, 2},
      {"شوکت", {"Shaukat", "Shoukat"}, 3},
      {"پرویز", {"Pervaiz", "Parvez", "Pervez"}, 4},
      {"سرفراز", {"Sarfraz", "Sarfaraz"}, 3},
      {"ممتاز", {"Mumtaz", "Mumtaaz"}, 3},
      {"افضل", {"Afzal", "Afzel"}, 4},
      {"اجمل", {"Ajmal", "Ajmel"}, 3},
      {"ثاقب", {"Saqib", "Saqeb"}, 3},
      {"وقاص", {"Waqas", "Waqaas"}, 3},
      {"دانش", {"Danish", "Daanish"}, 2},
      {"جنید", {"Junaid", "Junaed"}, 3},
      {"شعیب", {"Shoaib", "Shuaib"}, 3},
      {"سہیل", {"Sohail", "Suhail"}, 4},
      {"گلزار", {"Gulzar", "Gulzaar"}, 2},
      {"اظہر", {"Azhar", "Azher"}, 3},
      {"مظہر", {"Mazhar", "Mazher"}, 3},
      {"ابرار", {"Abrar", "Abraar"}, 2},
      {"اسرار", {"Israr", "Esrar"}, 2},
  };
  return *v;
}

const std::vector<PoolName>& PkFemale() {
  static const auto* v = new std::vector<PoolName>{
      {"فاطمہ", {"Fatima", "Fatimah", "Fatma"}, 20},
      {"عائشہ", {"Ayesha", "Aisha", "Aysha"}, 12},
      {"زینب", {"Zainab", "Zaynab", "Zenab"}, 10},
      {"خدیجہ", {"Khadija", "Khadijah"}, 6},
      {"مریم", {"Maryam", "Mariam"}, 8},
      {"ثنا", {"Sana", "Sanaa"}, 6},
      {"نازیہ", {"Nazia", "Naziya"}, 5},
      {"شازیہ", {"Shazia", "Shaziya"}, 5},
      {"روبینہ", {"Rubina", "Robina"}, 4},
      {"پروین", {"Parveen", "Perveen", "Parvin"}, 8},
      {"نسرین", {"Nasreen", "Nasrin"}, 7},
      {"کوثر", {"Kausar", "Kauser", "Kousar"}, 5},
      {"رضیہ", {"Razia", "Raziya"}, 4},
      {"سعدیہ", {"Sadia", "Saadia"}, 4},
      {"صائمہ", {"Saima", "Saema"}, 5},
      {"عاصمہ", {"Asma", "Aasma"}, 5},
      {"آمنہ", {"Amina", "Aamna", "Amna"}, 6},
      {"کرن", {"Kiran", "Kirin"}, 4},
      {"نسیم", {"Naseem", "Nasim"}, 5},
      {"شمیم", {"Shamim", "Shameem"}, 5},
      {"صغریٰ", {"Sughra", "Sughran"}, 3},
      {"رقیہ", {"Ruqayya", "Ruqaiya", "Rukia"}, 3},
      {"طاہرہ", {"Tahira", "Tahirah"}, 4},
      {"بشریٰ", {"Bushra", "Bushrah"}, 5},
      {"حمیرا", {"Humaira", "Humera"}, 4},
      {"فرزانہ", {"Farzana", "Farzanah"}, 4},
      {"یاسمین", {"Yasmin", "Yasmeen", "Yasmine"}, 5},
      {"شبنم", {"Shabnam", "Shabnum"}, 3},
  };
  return *v;
}

const std::vector<PoolName>& PkFamily() {
  static const auto* v = new std::vector<PoolName>{
      {"خان", {"Khan"}, 40},
      {"ملک", {"Malik"}, 10},
      {"بٹ", {"Butt", "Bhatt", "Bat"}, 8},
      {"شاہ", {"Shah"}, 12},
      {"قریشی", {"Qureshi", "Quraishi", "Qureishi"}, 6},
      {"اعوان", {"Awan", "Awaan"}, 6},
      {"راجپوت", {"Rajput", "Rajpoot"}, 5},
      {"جٹ", {"Jutt", "Jatt", "Jat"}, 5},
      {"چوہدری", {"Chaudhry", "Chaudhary", "Choudhry", "Ch."}, 8},
      {"بیگ", {"Baig", "Beg"}, 4},
      {"گل", {"Gul", "Gull"}, 5},
      {"چیمہ", {"Cheema", "Chima"}, 3},
      {"باجوہ", {"Bajwa", "Bajwah"}, 3},
      {"خٹک", {"Khattak", "Khatak"}, 2},
      {"یوسفزئی", {"Yousafzai", "Yusufzai"}, 2},
      {"آفریدی", {"Afridi", "Afreedi"}, 2},
      {"بلوچ", {"Baloch", "Baluch"}, 4},
      {"میمن", {"Memon", "Meman"}, 3},
      {"انصاری", {"Ansari", "Insari"}, 4},
      {"صدیقی", {"Siddiqui", "Siddiqi", "Sadiqi"}, 5},
      {"ہاشمی", {"Hashmi", "Hashimi"}, 3},
      {"نقوی", {"Naqvi", "Naqavi"}, 3},
      {"رضوی", {"Rizvi", "Rizavi"}, 3},
      {"بخاری", {"Bukhari", "Bokhari"}, 3},
      {"گیلانی", {"Gilani", "Gillani", "Geelani"}, 2},
      {"عباسی", {"Abbasi", "Abbassi"}, 4},
      {"ستی", {"Satti", "Sati"}, 2},
      {"مغل", {"Mughal", "Moghal"}, 3},
      {"سیال", {"Sial", "Siyal"}, 2},
      {"وڑائچ", {"Warraich", "Waraich"}, 2},
      {"گوندل", {"Gondal", "Gondel"}, 2},
      {"تارڑ", {"Tarar", "Tarrar"}, 2},
      {"کھوکھر", {"Khokhar", "Khokar"}, 2},
      {"لودھی", {"Lodhi", "Lodi"}, 2},
  };
  return *v;
}

const std::vector<PoolName>& ItMale() {
  static const auto* v = new std::vector<PoolName>{
      {"", {"Giuseppe"}, 20},  {"", {"Giovanni"}, 18},
      {"", {"Antonio"}, 18},   {"", {"Mario"}, 15},
      {"", {"Luigi"}, 12},     {"", {"Francesco"}, 15},
      {"", {"Angelo"}, 10},    {"", {"Vincenzo"}, 10},
      {"", {"Pietro"}, 9},     {"", {"Salvatore"}, 9},
      {"", {"Carlo"}, 8},      {"", {"Franco"}, 7},
      {"", {"Domenico"}, 7},   {"", {"Paolo"}, 8},
      {"", {"Michele"}, 7},    {"", {"Giorgio"}, 6},
      {"", {"Sergio"}, 5},     {"", {"Luca"}, 8},
      {"", {"Marco"}, 9},      {"", {"Andrea"}, 9},
      {"", {"Alessandro"}, 8}, {"", {"Matteo"}, 5},
      {"", {"Lorenzo"}, 5},    {"", {"Stefano"}, 6},
      {"", {"Roberto"}, 7},    {"", {"Niccolò", "Niccolo", "Nicolò"}, 2},
      {"", {"Nicola"}, 5},     {"", {"Gianluca"}, 4},
      {"", {"Gianfranco"}, 3}, {"", {"Pierluigi", "Pier Luigi"}, 2},
      {"", {"Raffaele"}, 4},   {"", {"Gennaro"}, 3},
      {"", {"Ciro"}, 3},       {"", {"Emanuele"}, 3},
      {"", {"Fabio"}, 4},      {"", {"Davide"}, 5},
      {"", {"Simone"}, 4},     {"", {"Riccardo"}, 4},
      {"", {"Tommaso"}, 3},    {"", {"Federico"}, 4},
  };
  return *v;
}

const std::vector<PoolName>& ItFemale() {
  static const auto* v = new std::vector<PoolName>{
      {"", {"Maria"}, 30},
      {"", {"Anna"}, 15},
      {"", {"Giuseppina"}, 8},
      {"", {"Rosa"}, 7},
      {"", {"Angela"}, 6},
      {"", {"Giovanna"}, 6},
      {"", {"Teresa"}, 5},
      {"", {"Lucia"}, 5},
      {"", {"Carmela"}, 4},
      {"", {"Francesca"}, 6},
      {"", {"Elena"}, 5},
      {"", {"Chiara"}, 5},
      {"", {"Sara"}, 5},
      {"", {"Giulia"}, 5},
      {"", {"Laura"}, 5},
      {"", {"Paola"}, 5},
      {"", {"Rita"}, 4},
      {"", {"Antonella"}, 4},
      {"", {"Federica"}, 4},
      {"", {"Valentina"}, 4},
      {"", {"Alessia"}, 3},
      {"", {"Martina"}, 4},
      {"", {"Silvia"}, 4},
      {"", {"Simona"}, 3},
      {"", {"Raffaella"}, 3},
      {"", {"Concetta"}, 3},
      {"", {"Assunta"}, 2},
      {"", {"Maria Grazia"}, 3},
      {"", {"Anna Maria", "Annamaria"}, 3},
  };
  return *v;
}

const std::vector<PoolName>& ItSurnames() {
  static const auto* v = new std::vector<PoolName>{
      {"", {"Rossi"}, 35},
      {"", {"Russo"}, 25},
      {"", {"Ferrari"}, 20},
      {"", {"Esposito"}, 20},
      {"", {"Bianchi"}, 16},
      {"", {"Romano"}, 16},
      {"", {"Colombo"}, 15},
      {"", {"Ricci"}, 13},
      {"", {"Marino"}, 13},
      {"", {"Greco"}, 12},
      {"", {"Bruno"}, 12},
      {"", {"Gallo"}, 12},
      {"", {"Conti"}, 11},
      {"", {"De Luca", "Deluca", "De luca"}, 11},
      {"", {"Mancini"}, 10},
      {"", {"Costa"}, 10},
      {"", {"Giordano"}, 10},
      {"", {"Rizzo"}, 10},
      {"", {"Lombardi"}, 9},
      {"", {"Moretti"}, 9},
      {"", {"Barbieri"}, 8},
      {"", {"Fontana"}, 8},
      {"", {"Santoro"}, 8},
      {"", {"Mariani"}, 8},
      {"", {"Rinaldi"}, 8},
      {"", {"Caruso"}, 8},
      {"", {"Ferrara"}, 8},
      {"", {"Galli"}, 7},
      {"", {"Martini"}, 7},
      {"", {"Leone"}, 7},
      {"", {"Longo"}, 7},
      {"", {"Gentile"}, 7},
      {"", {"Martinelli"}, 7},
      {"", {"Vitale"}, 7},
      {"", {"Lombardo"}, 7},
      {"", {"Serra"}, 6},
      {"", {"Coppola"}, 6},
      {"", {"De Santis", "Desantis"}, 6},
      {"", {"D'Angelo", "DAngelo", "D Angelo", "Dangelo"}, 6},
      {"", {"Marchetti"}, 6},
      {"", {"Parisi"}, 6},
      {"", {"Villa"}, 6},
      {"", {"Conte"}, 6},
      {"", {"Ferraro"}, 6},
      {"", {"Ferri"}, 6},
      {"", {"Fabbri"}, 6},
      {"", {"Bianco"}, 6},
      {"", {"Marini"}, 6},
      {"", {"Grasso"}, 6},
      {"", {"Valentini"}, 5},
      {"", {"Messina"}, 5},
      {"", {"Sala"}, 5},
      {"", {"De Rosa", "Derosa"}, 5},
      {"", {"Gatti"}, 5},
      {"", {"Pellegrini"}, 5},
      {"", {"Palumbo"}, 5},
      {"", {"Sanna"}, 5},
      {"", {"Farina"}, 5},
      {"", {"Rizzi"}, 5},
      {"", {"Monti"}, 5},
      {"", {"Cattaneo"}, 5},
      {"", {"Morelli"}, 5},
      {"", {"Amato"}, 5},
      {"", {"Silvestri"}, 5},
      {"", {"Mazza"}, 5},
      {"", {"Testa"}, 5},
      {"", {"Grassi"}, 5},
      {"", {"Pellegrino"}, 5},
      {"", {"Carbone"}, 5},
      {"", {"Giuliani"}, 5},
      {"", {"Benedetti"}, 5},
      {"", {"Barone"}, 5},
      {"", {"La Rosa", "Larosa", "LaRosa"}, 4},
      {"", {"Della Rosa", "Dellarosa"}, 2},
      {"", {"Di Maio", "Dimaio"}, 3},
      {"", {"Lo Russo", "Lorusso"}, 3},
      {"", {"D'Amico", "DAmico", "Damico"}, 4},
      {"", {"Dell'Acqua", "Dellacqua", "Dell Acqua"}, 2},
      {"", {"De Angelis", "Deangelis"}, 4},
      {"", {"Di Stefano", "Distefano"}, 4},
      {"", {"D'Alessandro", "Dalessandro"}, 3},
      {"", {"Sciascia"}, 1},
      {"", {"Cosentino"}, 2},
      {"", {"Nicolò", "Nicolo"}, 1},
  };
  return *v;
}

}  // namespace

namespace {

struct Tail {
  std::deque<std::string> text;
  std::vector<PoolName> names;
  std::vector<double> cdf;
};

const Tail& ItTail() {
  static const Tail* t = [] {
    auto* tail = new Tail;
    const char* roots[] = {"Bar", "Ber", "Bon", "Cal", "Cap", "Car", "Cas", "Cav", "Cer", "Cor",
                           "Dal", "Fab", "Fal", "Fer", "For", "Gal", "Gar", "Gen", "Gia", "Gri",
                           "Lan", "Lau", "Lom", "Mag", "Mal", "Man", "Mar", "Mas", "Mat", "Mon",
                           "Mor", "Nar", "Neg", "Nov", "Pag", "Pal", "Par", "Pel", "Per", "Pic",
                           "Pir", "Pol", "Por", "Pra", "Ran", "Ric", "Riv", "Roc", "Rom", "Ros",
                           "Sal", "San", "Sar", "Sca", "Ser", "Sil", "Sor", "Spa", "Tar", "Ter",
                           "Tor", "Tre", "Val", "Ven", "Ver", "Vil", "Vit", "Zan", "Zop", "Bel"};
    const char* middles[] = {"",   "ab", "ad", "al", "an", "ar", "el",  "en",  "er",  "ig",  "il",
                             "in", "ol", "on", "or", "ul", "us", "ett", "ucc", "ald", "and", "ell"};
    const char* endings[] = {"i",   "o",    "a",    "ini",  "etti", "ello", "elli", "one",
                             "oni", "ucci", "azzi", "otti", "ari",  "ero",  "ese",  "aro",
                             "olo", "ieri", "ano",  "ante", "asso", "etto", "uzzi", "acci"};
    for (const char* r : roots) {
      for (const char* m : middles) {
        for (const char* e : endings) tail->text.push_back(std::string(r) + m + e);
      }
    }
    // Zipf-like frequencies over a fixed shuffle of the names.
    std::vector<size_t> order(tail->text.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    uint64_t x = 0x9e3779b97f4a7c15ULL;
    for (size_t i = order.size() - 1; i > 0; --i) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      std::swap(order[i], order[x % (i + 1)]);
    }
    tail->names.resize(order.size());
    double total = 0;
    for (size_t rank = 0; rank < order.size(); ++rank) {
      PoolName& n = tail->names[rank];
      n.latin = {tail->text[order[rank]]};
      n.frequency = 1.0 / std::pow(static_cast<double>(rank) + 20.0, 0.9);
      total += n.frequency;
      tail->cdf.push_back(total);
    }
    for (double& c : tail->cdf) c /= total;
    return tail;
  }();
  return *t;
}

}  // namespace

std::span<const PoolName> ItalianSurnameTail() { return ItTail().names; }
std::span<const double> ItalianSurnameTailCdf() { return ItTail().cdf; }

std::span<const PoolName> PakistaniMaleNames() { return PkMale(); }
std::span<const PoolName> PakistaniFemaleNames() { return PkFemale(); }
std::span<const PoolName> PakistaniFamilyNames() { return PkFamily(); }
std::span<const PoolName> ItalianMaleNames() { return ItMale(); }
std::span<const PoolName> ItalianFemaleNames() { return ItFemale(); }
std::span<const PoolName> ItalianSurnames() { return ItSurnames(); }

}  // namespace liaison::synth
