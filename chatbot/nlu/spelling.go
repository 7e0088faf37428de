package nlu

// respell maps misspellings, slang, text-speak, apostrophe-less contractions
// and British/American variants onto one spelling, so that the word and
// concept features fire however a customer types. Entries are whole words;
// character n-grams cover the typos nobody listed.
var respell = map[string]string{
	// contractions typed without the apostrophe
	"didnt": "did not", "dont": "do not", "doesnt": "does not", "isnt": "is not",
	"wasnt": "was not", "werent": "were not", "arent": "are not", "hasnt": "has not",
	"havent": "have not", "hadnt": "had not", "cant": "can not", "cannot": "can not",
	"couldnt": "could not", "wouldnt": "would not", "shouldnt": "should not",
	"wont": "will not", "aint": "is not", "im": "i am", "ive": "i have",
	"youre": "you are", "theyre": "they are", "thats": "that is", "whats": "what is",
	"wheres": "where is", "whos": "who is", "hows": "how is", "theres": "there is",
	"its": "it is", "dnt": "do not", "didn": "did not", "wasn": "was not",

	// text-speak and slang
	"u": "you", "ya": "you", "yu": "you", "ur": "your", "r": "are", "y": "why", "n": "and",
	"pls": "please", "plz": "please", "plse": "please", "pleasee": "please", "pleaseee": "please",
	"thx": "thanks", "ty": "thanks", "thanx": "thanks", "tnx": "thanks", "tks": "thanks",
	"wat": "what", "wot": "what", "wut": "what", "wher": "where", "whr": "where",
	"idk": "i do not know", "dunno": "do not know", "cuz": "because", "coz": "because",
	"bc": "because", "bcos": "because", "cos": "because", "tho": "though",
	"some1": "someone", "sum1": "someone", "any1": "anyone",
	"smth": "something", "sth": "something", "rn": "right now", "asap": "as soon as possible",
	"nvm": "nevermind", "w": "with", "b4": "before", "2day": "today",
	"2moro": "tomorrow", "tmrw": "tomorrow", "yday": "yesterday", "yest": "yesterday",
	"wanna": "want to", "gonna": "going to", "gotta": "got to", "hv": "have",
	"acc": "account", "acct": "account", "amt": "amount", "pymt": "payment", "pmt": "payment",
	"pmnt": "payment", "mth": "month", "mths": "months", "wk": "week", "wks": "weeks",
	"yr": "year", "yrs": "years", "hrs": "hours", "mins": "minutes", "msg": "message",
	"info": "information", "sub": "subscription", "subs": "subscriptions",
	"2x": "twice", "x2": "twice", "dbl": "double", "bday": "birthday", "prob": "probably",
	"dm": "message", "dmd": "messaged", "tbh": "honestly", "ngl": "honestly",
	"pic": "photo", "pics": "photos", "pkg": "package", "addy": "address", "approx": "about",

	// misspellings
	"recieve": "receive", "recieved": "received", "recived": "received", "receieved": "received",
	"recieving": "receiving", "reciept": "receipt", "receit": "receipt", "reciet": "receipt",
	"cancle": "cancel", "cancled": "canceled", "cancelled": "canceled", "cancell": "cancel",
	"cancelling": "canceling", "cancellled": "canceled", "cancelation": "cancellation",
	"canclled": "canceled", "cancalled": "canceled", "cansel": "cancel", "canselled": "canceled",
	"travelled": "traveled", "labelled": "labeled", "levelled": "leveled", "modelled": "modeled",
	"instalment": "installment", "instalments": "installments", "installement": "installment",
	"installements": "installments", "instalement": "installment", "installmant": "installment",
	"pakage": "package", "packge": "package", "pacakge": "package", "pakcage": "package",
	"parcle": "parcel", "deliverd": "delivered", "delievered": "delivered", "delivred": "delivered",
	"delivey": "delivery", "delievery": "delivery", "arived": "arrived", "arrvied": "arrived",
	"arrieved": "arrived", "arive": "arrive", "returnd": "returned", "retuned": "returned",
	"retured": "returned", "comming": "coming", "subscripton": "subscription",
	"subcription": "subscription", "subsciption": "subscription", "subscibed": "subscribed",
	"chargd": "charged", "chared": "charged", "chaged": "charged", "charded": "charged",
	"twise": "twice", "twicw": "twice", "refundd": "refund", "refuned": "refunded",
	"refundedd": "refunded", "reimbursment": "reimbursement", "payed": "paid", "piad": "paid",
	"recognise": "recognize", "recognised": "recognized", "recognising": "recognizing",
	"recongise": "recognize", "reconize": "recognize", "recogise": "recognize",
	"unauthorised": "unauthorized", "authorised": "authorized", "authorise": "authorize",
	"fraudlent": "fraudulent", "frauduent": "fraudulent",
	"damadged": "damaged", "dammaged": "damaged", "brocken": "broken", "borken": "broken",
	"counterfiet": "counterfeit", "conterfeit": "counterfeit", "wierd": "weird",
	"amout": "amount", "ammount": "amount", "discout": "discount", "dicount": "discount",
	"accout": "account", "acount": "account", "nothin": "nothing", "sayin": "saying",
	"tryin": "trying", "gettin": "getting", "waitin": "waiting", "payin": "paying",
	"chargin": "charging", "havnt": "have not", "didint": "did not", "dident": "did not",
	"recieveing": "receiving", "adress": "address", "bussiness": "business", "buisness": "business",
	"guarentee": "guarantee", "seperate": "separate", "definately": "definitely",
	"definetly": "definitely", "alot": "a lot", "untill": "until", "wich": "which",
	"becuase": "because", "becasue": "because", "beacuse": "because", "thier": "their",
	"agian": "again", "agin": "again", "monthy": "monthly", "memebership": "membership",
	"membershp": "membership", "stil": "still", "nver": "never", "nevr": "never",

	// one spelling for British and American variants
	"colour": "color", "colours": "colors", "favour": "favor", "cheque": "check",
	"jewellery": "jewelry", "licence": "license",
	"organisation": "organization", "apologise": "apologize", "realise": "realize",
	"realised": "realized", "authorisation": "authorization", "unauthorise": "unauthorize",
}
