package hospital

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"unicode"
)

// Name vocabularies, ordered from common to rare so that skewed picks give a
// realistic frequency profile.
var (
	enMale = []string{"James", "John", "Robert", "Michael", "David", "William", "Richard", "Thomas", "Daniel", "Matthew",
		"Mark", "Paul", "Andrew", "Peter", "George", "Edward", "Steven", "Kevin", "Brian", "Jason",
		"Ryan", "Jacob", "Oliver", "Henry", "Samuel", "Benjamin", "Patrick", "Simon", "Adam", "Lucas"}
	enFemale = []string{"Mary", "Elizabeth", "Sarah", "Jennifer", "Linda", "Susan", "Jessica", "Karen", "Emily", "Emma",
		"Anna", "Laura", "Helen", "Margaret", "Rachel", "Olivia", "Sophie", "Hannah", "Grace", "Alice",
		"Catherine", "Rebecca", "Lucy", "Charlotte", "Amy", "Claire", "Julia", "Ruth", "Natalie", "Chloe"}
	enSurnames = []string{"Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Taylor", "Anderson",
		"Thomas", "Moore", "Martin", "Jackson", "White", "Harris", "Clark", "Lewis", "Walker", "Hall",
		"Young", "King", "Wright", "Scott", "Green", "Baker", "Adams", "Nelson", "Hill", "Campbell",
		"Mitchell", "Roberts", "Carter", "Phillips", "Evans", "Turner", "Parker", "Collins", "Edwards", "Stewart",
		"Morris", "Murphy", "Cook", "Rogers", "Morgan", "Cooper", "Peterson", "Reed", "Bailey", "Kelly"}
	zhSurnames = []string{"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡",
		"郭", "何", "林", "高", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹",
		"彭", "曾", "肖", "田", "董", "潘", "袁", "蔡", "蒋", "余", "于", "杜", "叶", "程", "魏",
		"苏", "吕", "丁", "任", "沈", "姚", "卢", "傅", "钟", "姜", "崔", "谭", "陆", "范", "汪"}
	zhMaleGiven   = []rune("伟强磊军勇杰涛斌明超刚平辉鹏华飞鑫波宇浩凯健俊帆亮建国志文博")
	zhFemaleGiven = []rune("芳娜敏静丽艳娟霞秀英玲燕萍红婷雪琳洁颖晶慧倩梅莉兰琴瑶佳")
)

// city is a place patients live in.
type city struct {
	name, province phrase
	postcode       string // first three digits
	weight         float64
}

// cities centre on the hospital's own city, Shanghai.
var cities = []city{
	{phrase{"Shanghai", "上海市"}, phrase{"Shanghai", "上海市"}, "200", 50},
	{phrase{"Suzhou", "苏州市"}, phrase{"Jiangsu", "江苏省"}, "215", 8},
	{phrase{"Hangzhou", "杭州市"}, phrase{"Zhejiang", "浙江省"}, "310", 8},
	{phrase{"Nanjing", "南京市"}, phrase{"Jiangsu", "江苏省"}, "210", 6},
	{phrase{"Ningbo", "宁波市"}, phrase{"Zhejiang", "浙江省"}, "315", 4},
	{phrase{"Beijing", "北京市"}, phrase{"Beijing", "北京市"}, "100", 5},
	{phrase{"Guangzhou", "广州市"}, phrase{"Guangdong", "广东省"}, "510", 4},
	{phrase{"Shenzhen", "深圳市"}, phrase{"Guangdong", "广东省"}, "518", 4},
	{phrase{"Chengdu", "成都市"}, phrase{"Sichuan", "四川省"}, "610", 3},
	{phrase{"Wuhan", "武汉市"}, phrase{"Hubei", "湖北省"}, "430", 3},
	{phrase{"Hefei", "合肥市"}, phrase{"Anhui", "安徽省"}, "230", 3},
	{phrase{"Wuxi", "无锡市"}, phrase{"Jiangsu", "江苏省"}, "214", 2},
}

var cityWeights = func() []float64 {
	w := make([]float64, len(cities))
	for i, c := range cities {
		w[i] = c.weight
	}
	return w
}()

var streets = []phrase{
	{"Zhongshan Road", "中山路"}, {"Renmin Road", "人民路"}, {"Jiefang Road", "解放路"}, {"Nanjing Road", "南京路"},
	{"Huaihai Road", "淮海路"}, {"Century Avenue", "世纪大道"}, {"Yan'an Road", "延安路"}, {"Changjiang Road", "长江路"},
	{"Heping Street", "和平街"}, {"Xinhua Road", "新华路"}, {"Jianshe Road", "建设路"}, {"Wenhua Road", "文化路"},
	{"Dongfeng Road", "东风路"}, {"Beijing Road", "北京路"}, {"Huashan Road", "华山路"}, {"Xueyuan Road", "学院路"},
}

// personName returns a full name: "王芳" for a Chinese person, "Emma Clark"
// otherwise.
func personName(r *rand.Rand, chinese bool, sex string) string {
	male := sex == "M" || (sex == "U" && chance(r, 0.5))
	if chinese {
		given := zhFemaleGiven
		if male {
			given = zhMaleGiven
		}
		name := zhSurnames[skewed(r, len(zhSurnames))] + string(pick(r, given))
		if chance(r, 0.7) {
			name += string(pick(r, given))
		}
		return name
	}
	first := enFemale
	if male {
		first = enMale
	}
	return first[skewed(r, len(first))] + " " + enSurnames[skewed(r, len(enSurnames))]
}

// isChinese reports whether name is written in Chinese characters.
func isChinese(name string) bool {
	for _, c := range name {
		if unicode.Is(unicode.Han, c) {
			return true
		}
	}
	return false
}

// address is where a patient lives, written in the patient's own script.
type address struct {
	line, city, province, postcode string
}

// newAddress returns a street address in a weighted city.
func newAddress(r *rand.Rand, chinese bool) address {
	c := cities[weighted(r, cityWeights)]
	s := pick(r, streets)
	no, bldg, room := between(r, 1, 999), between(r, 1, 30), between(r, 1, 28)*100+between(r, 1, 6)
	a := address{postcode: fmt.Sprintf("%s%03d", c.postcode, between(r, 0, 99)*10)}
	if chinese {
		a.line = fmt.Sprintf("%s%d号%d栋%d室", s.zh, no, bldg, room)
		a.city, a.province = c.name.zh, c.province.zh
	} else {
		a.line = fmt.Sprintf("Room %d, Building %d, %d %s", room, bldg, no, s.en)
		a.city, a.province = c.name.en, c.province.en
	}
	return a
}

// phoneNumber returns a Chinese mobile number.
func phoneNumber(r *rand.Rand) string {
	var b strings.Builder
	b.WriteString(pick(r, []string{"130", "133", "135", "136", "138", "139", "150", "151", "158", "177", "186", "188"}))
	for range 8 {
		b.WriteByte(byte('0' + r.IntN(10)))
	}
	return b.String()
}
